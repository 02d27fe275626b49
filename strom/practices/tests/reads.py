"""Which practices routes show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

from tests.authz import Read

# The contact persons of a practice: professionals' names, e-mails and phones.
PERSONAL: dict[str, Read] = {
    "practices:contacts": Read(),
    "practices:edit": Read(),
    "api:practices_contacts": Read(),
}

_PUBLISHED = "a published practice or the library: no contact persons (they load from practices:contacts)"
_WORK = "practices being written and reviewed: titles, states, scores, comments of members of the hub"
NO_PERSONAL_DATA: dict[str, str] = {
    "practices:list": _PUBLISHED,
    "practices:detail": _PUBLISHED,
    "practices:versions": _PUBLISHED,
    "practices:attachment": "a file published with a practice",
    "practices:scale": "the evidence scale: criteria and levels",
    "practices:work": _WORK,
    "practices:review": _WORK,
    "practices:create": "an empty practice form",
    "practices:translate": "a practice's texts in another language beside the original: no contact persons",
    "api:practices_list": _PUBLISHED,
    "api:practices_detail": _PUBLISHED,
    "api:practices_versions": _PUBLISHED,
}
