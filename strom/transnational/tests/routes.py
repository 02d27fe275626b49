"""Transnational referral routes: who gets what.

Organisation A (Riga Social Service) is marked as the transnational focal point in the network
directory, and its supervisor (trm.focal_point) acts for it: `supervisor_a` is the one focal point.
The case worker of A sees the referrals sent from A's cases but does not send or answer. Partners are
the system admin's. Nobody else reaches anything: 404 (anonymous: 302 on pages, 401 on the API).
The two operations partner instances call (the JWKS and the message endpoint) need no user: the
message's signature is its authentication.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from strom.cases.tests.factories import make_case
from strom.transnational.models import Direction, TransnationalReferral
from strom.transnational.services import partner_suspend, referral_accept, referral_send
from strom.transnational.services_messages import message_receive
from strom.transnational.tests.factories import (
    from_partner,
    give_cross_border_consent,
    make_focal_point,
    make_partner,
    referral_body,
)
from tests.authz import Route, expect, public
from tests.personas import Cast

FOCAL = ("supervisor_a",)
ADMIN = ("sysadmin",)


def _focal_point(cast: Cast) -> dict[str, Any]:
    make_focal_point(cast.org_a)
    return {}


def _received(cast: Cast, *, accepted: bool = False, plan: bool = False) -> TransnationalReferral:
    partner = make_partner(cast)
    body = referral_body()
    assert message_receive(from_partner(partner, "referral.send", body)).status == 200
    referral = TransnationalReferral.objects.get(uuid=body["referral"], direction=Direction.INCOMING)
    if accepted:
        referral = referral_accept(by=cast.users["supervisor_a"], referral=referral)
    if plan:
        handover = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        proposal = {
            "referral": body["referral"],
            "version": 1,
            "handover_on": handover,
            "receiving_organisation": "Riga Social Service",
            "follow_up": "",
            "follow_up_on": "",
        }
        assert message_receive(from_partner(partner, "return_plan.propose", proposal)).status == 200
    return referral


def received(cast: Cast) -> dict[str, Any]:
    return {"referral_id": _received(cast).pk}


def accepted(cast: Cast) -> dict[str, Any]:
    return {"referral_id": _received(cast, accepted=True).pk}


def proposed(cast: Cast) -> dict[str, Any]:
    return {"referral_id": _received(cast, accepted=True, plan=True).pk}


def sent(cast: Cast) -> dict[str, Any]:
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case, "LT")
    referral = referral_send(
        by=cast.users["supervisor_a"], case=case, partner=make_partner(cast), measures=["return"], scope=[]
    )
    return {"referral_id": referral.pk}


def case_of_a(cast: Cast) -> dict[str, Any]:
    make_partner(cast)
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case, "LT")
    cast.__dict__["_trm_case"] = case
    return {"ref": case.ref}


def send_form(cast: Cast) -> dict[str, Any]:
    from strom.transnational.models import Partner

    return {"partner": Partner.objects.get().pk, "measures": ["return"], "scope": ["identity"], "message": ""}


def _only_partner() -> int:
    from strom.transnational.models import Partner

    return Partner.objects.get().pk


def partner(cast: Cast) -> dict[str, Any]:
    return {"partner_id": make_partner(cast).pk}


def suspended(cast: Cast) -> dict[str, Any]:
    found = make_partner(cast)
    partner_suspend(by=cast.users["sysadmin"], partner=found, reason="Unreachable for a week")
    return {"partner_id": found.pk}


def partner_form(cast: Cast) -> dict[str, Any]:
    make_focal_point(cast.org_a)
    # Nothing listens on port 9: the keys cannot be fetched, and the form says so (200).
    return {
        "name": "STROM Estonia",
        "country": "EE",
        "url": "https://127.0.0.1:9/api/v1/transnational",
        "signing_thumbprint": "x" * 43,
        "encryption_thumbprint": "y" * 43,
        "organisation": cast.org_a.pk,
    }


def message(cast: Cast) -> dict[str, Any]:
    return {"token": from_partner(make_partner(cast), "referral.send", referral_body())}


ROUTES = [
    Route("transnational:list", kwargs=_focal_point, expect=expect(FOCAL)),
    Route("transnational:detail", kwargs=received, expect=expect(FOCAL)),
    Route("transnational:accept", method="post", kwargs=received, expect=expect(FOCAL, ok=302)),
    Route("transnational:decline", kwargs=received, expect=expect(FOCAL)),
    Route(
        "transnational:decline",
        method="post",
        kwargs=received,
        data=lambda cast: {"reason": "No place to return to in this municipality."},
        expect=expect(FOCAL, ok=302),
    ),
    Route("transnational:withdraw", kwargs=sent, expect=expect(FOCAL)),
    Route(
        "transnational:withdraw",
        method="post",
        kwargs=sent,
        data=lambda cast: {"reason": "The person chose to stay in Latvia."},
        expect=expect(FOCAL, ok=302),
    ),
    Route("transnational:complete", kwargs=accepted, expect=expect(FOCAL)),
    Route(
        "transnational:complete",
        method="post",
        kwargs=accepted,
        data=lambda cast: {"note": "Handover done; the person is in the shelter's programme."},
        expect=expect(FOCAL, ok=302),
    ),
    Route("transnational:return_plan", kwargs=accepted, expect=expect(FOCAL)),
    Route(
        "transnational:return_plan",
        method="post",
        kwargs=accepted,
        data=lambda cast: {
            "handover_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "receiving_organisation": "Vilnius Support Centre",
        },
        expect=expect(FOCAL, ok=302),
    ),
    Route(
        "transnational:return_plan_agree",
        method="post",
        kwargs=proposed,
        data=lambda cast: {"version": 1},
        expect=expect(FOCAL, ok=302),
    ),
    Route("transnational:send", kwargs=case_of_a, expect=expect(FOCAL)),
    Route(
        "transnational:send", method="post", kwargs=case_of_a, data=send_form, expect=expect(FOCAL, ok=302)
    ),
    Route(
        "transnational:check",
        method="post",
        kwargs=case_of_a,
        data=lambda cast: {"partner": _only_partner()},
        expect=expect(FOCAL, ok=302),
        note="the partner cannot be reached here: the focal point is told so on the case",
    ),
    Route("transnational:partners", expect=expect(ADMIN)),
    Route("transnational:partners", method="post", data=partner_form, expect=expect(ADMIN)),
    Route("transnational:partner", kwargs=partner, expect=expect(ADMIN)),
    Route(
        "transnational:partner_suspend",
        method="post",
        kwargs=partner,
        data=lambda cast: {"reason": "Key compromise reported by phone."},
        expect=expect(ADMIN, ok=302),
    ),
    Route("transnational:partner_resume", method="post", kwargs=suspended, expect=expect(ADMIN, ok=302)),
    Route("api:transnational_jwks", expect=public()),
    Route("api:transnational_messages", method="post", json=True, data=message, expect=public()),
    Route("api:transnational_referrals", kwargs=_focal_point, expect=expect(FOCAL, anonymous=401)),
    Route("api:transnational_referral", kwargs=received, expect=expect(FOCAL, anonymous=401)),
]
