from tests.authz import ROLE_PERSONAS, Route, expect

MEMBERS = ROLE_PERSONAS  # every persona with a membership; the outsider has none
ORG_A_EDITORS = ["orgadmin_a", "sysadmin"]


def _org_a(c):  # type: ignore[no-untyped-def]
    return {"organisation_id": c.org_a.pk}


def _org_form(c):  # type: ignore[no-untyped-def]
    return {"name": "Riga Social Services", "org_type": "Municipality", "municipality": c.riga.pk}


def _new_org(c):  # type: ignore[no-untyped-def]
    return {"name": "Tallinn Shelter", "org_type": "Shelter", "country": "EE", "municipality": ""}


def _new_municipality(c):  # type: ignore[no-untyped-def]
    return {"country": "EE", "name": "Tallinn", "code": "TLL"}


def _api_new_org(c):  # type: ignore[no-untyped-def]
    return {"name": "Tallinn Shelter", "org_type": "Shelter", "country": "EE"}


ROUTES = [
    Route("directory:list", expect=expect(MEMBERS)),
    Route("directory:detail", kwargs=_org_a, expect=expect(MEMBERS)),
    Route("directory:edit", kwargs=_org_a, expect=expect(ORG_A_EDITORS)),
    Route(
        "directory:edit", method="post", kwargs=_org_a, data=_org_form, expect=expect(ORG_A_EDITORS, ok=302)
    ),
    Route("directory:create", expect=expect(["sysadmin"])),
    Route("directory:create", method="post", data=_new_org, expect=expect(["sysadmin"], ok=302)),
    Route("directory:municipality_create", expect=expect(["sysadmin"])),
    Route(
        "directory:municipality_create",
        method="post",
        data=_new_municipality,
        expect=expect(["sysadmin"], ok=302),
    ),
    # API: anonymous 401 (problem+json), missing and forbidden 404.
    Route("api:organisation_list", expect=expect(MEMBERS, anonymous=401)),
    Route("api:organisation_detail", kwargs=_org_a, expect=expect(MEMBERS, anonymous=401)),
    Route(
        "api:organisation_create",
        method="post",
        json=True,
        data=_api_new_org,
        expect=expect(["sysadmin"], ok=201, anonymous=401),
    ),
    Route(
        "api:organisation_update",
        method="patch",
        json=True,
        kwargs=_org_a,
        data=lambda c: {"name": "Riga Social Services"},
        expect=expect(ORG_A_EDITORS, anonymous=401),
    ),
]
