from tests.authz import ROLE_PERSONAS, Route, expect

MEMBERS = ROLE_PERSONAS  # everyone with a membership reads pathways; the outsider has none
# Riga's pathway: the LV coordinator, the admin of Riga's municipal organisation, the system admin.
RIGA_KEEPERS = ["coordinator_a", "orgadmin_a", "sysadmin"]


def _riga(c):  # type: ignore[no-untyped-def]
    return {"municipality_id": c.riga.pk}


def _form(c):  # type: ignore[no-untyped-def]
    return {
        "version": "0",
        "detection-agency_name": "State Police",
        "detection-contact_phone": "+371 2000 0000",
        "detection-time_limit_days": "1",
    }


def _json(c):  # type: ignore[no-untyped-def]
    return {"version": 0, "steps": [{"stage": "detection", "agency_name": "State Police"}]}


ROUTES = [
    Route("pathways:list", expect=expect(MEMBERS)),
    Route("pathways:detail", kwargs=_riga, expect=expect(MEMBERS)),
    Route("pathways:sheet", kwargs=_riga, expect=expect(MEMBERS)),
    Route("pathways:edit", kwargs=_riga, expect=expect(RIGA_KEEPERS)),
    Route("pathways:edit", method="post", kwargs=_riga, data=_form, expect=expect(RIGA_KEEPERS, ok=302)),
    Route("api:pathway_list", expect=expect(MEMBERS, anonymous=401)),
    Route("api:pathway_detail", kwargs=_riga, expect=expect(MEMBERS, anonymous=401)),
    Route(
        "api:pathway_update",
        method="put",
        json=True,
        kwargs=_riga,
        data=_json,
        expect=expect(RIGA_KEEPERS, anonymous=401),
    ),
]
