"""Hotline GET routes and whether they show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

from strom.hotline.tests.factories import contact_of, tip_of
from tests.authz import Read

_FORM = "an empty form of the hotline, naming a contact or a tip by number only"
_PUBLIC = "the public front door: text for visitors, the hotline's public numbers and a form"

PERSONAL: dict[str, Read] = {
    "hotline:queue": Read(setup=contact_of),
    "hotline:contact": Read(),
    "hotline:tips": Read(setup=tip_of),
    "hotline:tip": Read(),
    "api:hotline_contacts": Read(setup=contact_of),
    "api:hotline_contact": Read(),
    "api:hotline_tips": Read(setup=tip_of),
}

NO_PERSONAL_DATA: dict[str, str] = {
    "hotline:contact_new": _FORM,
    "hotline:contact_screening": _FORM,
    "hotline:contact_case": _FORM,
    "hotline:contact_refer": _FORM,
    "hotline:tip_new": _FORM,
    "hotline:stats": "disclosure-controlled counts of contacts",
    "api:hotline_stats": "disclosure-controlled counts of contacts",
    "hotline:rights": "the know-your-rights pages a coordinator keeps: no personal data",
    "hotline:rights_edit": "a know-your-rights page: no personal data",
    "hotline:public_recipients": "which hotline organisation receives a country's public messages",
    "help:index": _PUBLIC,
    "help:country": _PUBLIC,
    "help:self_check": _PUBLIC,
    "help:write": _PUBLIC,
    "help:sent": _PUBLIC,
}
