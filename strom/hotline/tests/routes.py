"""Authorisation expectations for the hotline's routes (tests/test_authorisation.py).

The contact and the tip are the Latvian hotline's, logged by its operator `hotline_a`. Only the
operators of a hotline see its contacts: the Lithuanian operator `hotline_b` gets 404 for them, as does
everyone else, whatever their role. The cast has no supervisor in a hotline, so nobody may review here
(strom/hotline/tests/test_access.py gives one). Statistics are for everyone with stats.view; the
know-your-rights pages for national coordinators (coordinator_a keeps Latvia's). The public front door
is closed in the tests (STROM_HOTLINE_PUBLIC off): 404 for all, logged in or not; test_public.py opens it.
"""

from __future__ import annotations

from typing import Any

from strom.hotline.tests.factories import contact_of, tip_of
from tests.authz import PERSONAS, Route, expect
from tests.personas import Cast

OPERATORS = ["hotline_a", "hotline_b"]
OPERATOR_LV = ["hotline_a"]
STATS = ["supervisor_a", "supervisor_b", "coordinator_a", "coordinator_b", "analyst_a", "analyst_b"]
COORDINATORS = ["coordinator_a", "coordinator_b"]
CLOSED = dict.fromkeys(PERSONAS, 404)


def _contact(cast: Cast) -> dict[str, Any]:
    return {"contact_id": contact_of(cast).pk}


def _tip(cast: Cast) -> dict[str, Any]:
    return {"tip_id": tip_of(cast).pk}


def _contact_form(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["hotline_lv"].pk,
        "channel": "phone",
        "direction": "inbound",
        "caller_type": "possible_victim",
        "topic": "labour_rights",
        "country": "LV",
        "summary": "Asks about unpaid wages.",
    }


def _contact_json(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.orgs["hotline_lv"].pk,
        "channel": "chat",
        "caller_type": "family_friend",
        "topic": "possible_trafficking",
    }


def _tip_json(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.orgs["hotline_lv"].pk,
        "place_name": "Car wash on Brivibas iela",
        "sector": "retail",
        "country": "LV",
    }


def _lang(country: str = "") -> Any:
    return lambda cast: {"lang": "en", **({"country": country} if country else {})}


ROUTES = [
    Route("hotline:queue", expect=expect(OPERATORS)),
    Route("hotline:contact_new", expect=expect(OPERATORS)),
    Route(
        "hotline:contact_new",
        method="post",
        data=_contact_form,
        # The Lithuanian operator cannot choose the Latvian hotline: the form comes back with the error.
        expect=expect(OPERATOR_LV, ok=302, overrides={"hotline_b": 200}),
    ),
    Route("hotline:contact", kwargs=_contact, expect=expect(OPERATOR_LV)),
    Route(
        "hotline:contact_status",
        method="post",
        kwargs=_contact,
        data=lambda c: {"action": "close"},
        expect=expect(OPERATOR_LV, ok=302),
    ),
    Route("hotline:contact_review", method="post", kwargs=_contact, expect=expect([])),
    Route("hotline:contact_screening", kwargs=_contact, expect=expect(OPERATOR_LV)),
    Route("hotline:contact_case", kwargs=_contact, expect=expect(OPERATOR_LV)),
    Route(
        "hotline:contact_refer",
        kwargs=_contact,
        expect=expect(OPERATOR_LV, ok=302),
        note="a contact without a case is sent back to open one first",
    ),
    Route("hotline:tips", expect=expect(OPERATORS)),
    Route("hotline:tip_new", expect=expect(OPERATORS)),
    Route("hotline:tip", kwargs=_tip, expect=expect(OPERATOR_LV)),
    Route(
        "hotline:tip_group",
        method="post",
        kwargs=_tip,
        data=lambda c: {"with_tip": "999999"},
        expect=expect(OPERATOR_LV, ok=302),
    ),
    Route(
        "hotline:tip_pass", method="post", kwargs=_tip, data=lambda c: {}, expect=expect(OPERATOR_LV, ok=302)
    ),
    Route("hotline:stats", expect=expect(STATS)),
    Route("hotline:rights", expect=expect(COORDINATORS)),
    Route(
        "hotline:rights_edit",
        kwargs=lambda c: {"country": "lv", "language": "en"},
        expect=expect(["coordinator_a"]),
    ),
    # Which hotline receives a country's public messages: the country's coordinators choose.
    Route("hotline:public_recipients", expect=expect(COORDINATORS)),
    Route(
        "hotline:public_recipient_choose",
        method="post",
        kwargs=lambda c: {"country": "lv"},
        data=lambda c: {"lv-organisation": c.orgs["hotline_lv"].pk},
        expect=expect(["coordinator_a"], ok=302),
    ),
    Route("help:index", kwargs=_lang(), expect=CLOSED),
    Route("help:country", kwargs=_lang("lv"), expect=CLOSED),
    Route("help:self_check", kwargs=_lang("lv"), expect=CLOSED),
    Route("help:write", kwargs=_lang("lv"), expect=CLOSED),
    Route("help:sent", kwargs=_lang("lv"), expect=CLOSED),
    Route("api:hotline_contacts", expect=expect(OPERATORS, anonymous=401)),
    Route(
        "api:hotline_contact_log",
        method="post",
        json=True,
        data=_contact_json,
        expect=expect(OPERATOR_LV, ok=201, anonymous=401, overrides={"hotline_b": 404}),
    ),
    Route("api:hotline_contact", kwargs=_contact, expect=expect(OPERATOR_LV, anonymous=401)),
    Route("api:hotline_tips", expect=expect(OPERATORS, anonymous=401)),
    Route(
        "api:hotline_tip_create",
        method="post",
        json=True,
        data=_tip_json,
        expect=expect(OPERATOR_LV, ok=201, anonymous=401),
    ),
    Route("api:hotline_stats", expect=expect(STATS, anonymous=401)),
]
