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


def _riga_pathway(c):  # type: ignore[no-untyped-def]
    """Riga with a pathway of one step (version 1), made in each persona's turn, which is rolled back."""
    from strom.pathways.models import Pathway
    from strom.pathways.services import StepData, pathway_save

    if not Pathway.objects.filter(municipality=c.riga).exists():
        steps = [StepData(stage="detection", agency_name="State Police", what_to_do="Call the duty officer.")]
        pathway_save(by=c.coordinator_a, municipality=c.riga, version=0, steps=steps)
    return {"municipality_id": c.riga.pk}


def _translation(c):  # type: ignore[no-untyped-def]
    return {"language": "ru", "version": "1", "detection-what_to_do": "Позвоните дежурному офицеру."}


def _json(c):  # type: ignore[no-untyped-def]
    return {"version": 0, "steps": [{"stage": "detection", "agency_name": "State Police"}]}


ROUTES = [
    Route("pathways:list", expect=expect(MEMBERS)),
    Route("pathways:detail", kwargs=_riga, expect=expect(MEMBERS)),
    Route("pathways:sheet", kwargs=_riga, expect=expect(MEMBERS)),
    Route("pathways:edit", kwargs=_riga, expect=expect(RIGA_KEEPERS)),
    Route("pathways:edit", method="post", kwargs=_riga, data=_form, expect=expect(RIGA_KEEPERS, ok=302)),
    Route("pathways:translate", kwargs=_riga_pathway, expect=expect(RIGA_KEEPERS)),
    Route(
        "pathways:translate",
        method="post",
        kwargs=_riga_pathway,
        data=_translation,
        expect=expect(RIGA_KEEPERS, ok=302),
    ),
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
