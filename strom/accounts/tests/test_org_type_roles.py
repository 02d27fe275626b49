"""Which roles an organisation may hold depends on its type (roles.ORG_TYPE_ROLES).

Every role at every organisation type, through the service, the page and the API; the type change
that would break memberships; memberships that break the rule listed (page and `strom check`), never
removed; the demo data and `strom createadmin` obey it.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from strom.accounts.checks import check_memberships_fit_org_types
from strom.accounts.models import Invitation, Membership, User
from strom.accounts.selectors import invitation_token_hash, memberships_breaking_org_types
from strom.accounts.services import (
    invitation_accept_existing,
    invitation_create,
    membership_change_role,
    membership_set_active,
    system_admin_create,
)
from strom.core.roles import ORG_TYPE_ROLES, OrgType, Role, may_hold, org_type_refusal
from strom.directory.models import Organisation
from strom.directory.services import organisation_update
from tests.personas import CAST

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase for anna 9"


def _org(org_type: OrgType) -> Organisation:
    return Organisation.objects.create(name=f"A {org_type.value}", org_type=org_type, country="EE")


def _member(org: Organisation, role: Role, name: str = "Kadri Tamm") -> Membership:
    email = name.lower().replace(" ", ".") + "@example.test"
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    return Membership.objects.create(user=user, organisation=org, role=role)


def test_the_table_names_every_type_and_keeps_the_issue_s_rules() -> None:
    assert set(ORG_TYPE_ROLES) == set(OrgType)
    holders = {role: {t for t, roles in ORG_TYPE_ROLES.items() if role in roles} for role in Role}
    assert holders[Role.NATIONAL_COORDINATOR] == {OrgType.NATIONAL_COORDINATOR}
    assert holders[Role.ANALYST] == {OrgType.NATIONAL_RAPPORTEUR, OrgType.RESEARCH}
    assert holders[Role.HOTLINE_OPERATOR] == {OrgType.HOTLINE}
    assert holders[Role.SYSTEM_ADMIN] == {OrgType.CENTRAL_GOVERNMENT, OrgType.NATIONAL_COORDINATOR}
    assert not may_hold("NoSuchType", Role.ORG_ADMIN)
    assert not may_hold(OrgType.SHELTER, "no_such_role")


def test_every_persona_sits_in_an_organisation_that_may_hold_its_role(cast: Any) -> None:
    for name, (_key, role) in CAST.items():
        membership = cast.users[name].memberships.get()
        assert may_hold(membership.organisation.org_type, role), name
    assert not memberships_breaking_org_types().exists()


@pytest.mark.parametrize("org_type", list(OrgType), ids=lambda t: t.value)
def test_every_role_at_every_type_through_the_service(cast: Any, org_type: OrgType) -> None:
    org = _org(org_type)
    membership = _member(org, Role.ORG_ADMIN)  # every type may have its admin
    for role in Role:
        email = f"{role.value}@example.test"
        if may_hold(org_type, role):
            invitation, _token = invitation_create(by=cast.sysadmin, email=email, organisation=org, role=role)
            assert invitation.role == role
            membership_change_role(by=cast.sysadmin, membership=membership, role=role)
            membership.refresh_from_db()
            assert membership.role == role
            continue
        before = membership.role
        with pytest.raises(ValidationError, match=r"cannot have the role “") as exc:
            invitation_create(by=cast.sysadmin, email=email, organisation=org, role=role)
        assert exc.value.message_dict["role"] == [org_type_refusal(org_type, role)]
        assert not Invitation.objects.filter(email=email).exists()
        with pytest.raises(ValidationError, match=r"cannot have the role “"):
            membership_change_role(by=cast.sysadmin, membership=membership, role=role)
        membership.refresh_from_db()
        assert membership.role == before


@pytest.mark.parametrize("org_type", list(OrgType), ids=lambda t: t.value)
def test_every_role_at_every_type_through_the_pages(cast: Any, as_persona: Any, org_type: OrgType) -> None:
    org = _org(org_type)
    membership = _member(org, Role.ORG_ADMIN)
    admin = as_persona("sysadmin")
    offered = admin.get(reverse("accounts:user_detail", args=[membership.user_id])).context["memberships"]
    choices = {value for value, _label in offered[0]["role_form"].fields["role"].choices}
    assert choices == {r.value for r in Role if may_hold(org_type, r)}
    for role in Role:
        email = f"{role.value}@example.test"
        response = admin.post(
            reverse("accounts:invitation_create"),
            {"email": email, "organisation": org.pk, "role": role.value},
        )
        changed = admin.post(
            reverse("accounts:membership_change_role", args=[membership.pk]),
            {f"m{membership.pk}-role": role.value},
            follow=True,
        )
        membership.refresh_from_db()
        if may_hold(org_type, role):
            assert response.status_code == 302
            assert Invitation.objects.filter(email=email, role=role).exists()
            assert membership.role == role
            continue
        # A forged choice: the page says why, and nothing is saved.
        assert response.status_code == 200
        assert org_type_refusal(org_type, role) in response.content.decode()
        assert not Invitation.objects.filter(email=email).exists()
        assert org_type_refusal(org_type, role) in changed.content.decode()
        assert membership.role != role


@pytest.mark.parametrize("org_type", list(OrgType), ids=lambda t: t.value)
def test_every_role_at_every_type_through_the_api(cast: Any, as_persona: Any, org_type: OrgType) -> None:
    org = _org(org_type)
    membership = _member(org, Role.ORG_ADMIN)
    api = as_persona("sysadmin")
    for role in Role:
        email = f"{role.value}@example.test"
        created = api.post(
            "/api/v1/invitations",
            {"email": email, "organisation_id": org.pk, "role": role.value},
            content_type="application/json",
        )
        changed = api.patch(
            f"/api/v1/memberships/{membership.pk}", {"role": role.value}, content_type="application/json"
        )
        if may_hold(org_type, role):
            assert created.status_code == 201, created.content
            assert created.json()["role"] == role.value
            assert "token" not in created.json()
            assert changed.status_code == 200
            assert changed.json()["role"] == role.value
            continue
        refusal = {"pointer": "#/role", "detail": org_type_refusal(org_type, role)}
        assert created.status_code == 422
        assert created.json()["errors"] == [refusal]
        assert changed.status_code == 422
        assert changed.json()["errors"] == [refusal]
        assert not Invitation.objects.filter(email=email).exists()
        membership.refresh_from_db()
        assert membership.role != role


def test_a_municipality_s_admin_is_offered_only_what_a_municipality_may_hold(
    cast: Any, as_persona: Any
) -> None:
    admin = as_persona("orgadmin_a")
    page = admin.get(reverse("accounts:invitation_create"))
    form = page.context["form"]
    hub = {"knowledge_editor", "reviewer", "event_organiser", "action_plan_owner"}
    offered = {v for v, _label in form.fields["role"].choices}
    assert offered == {"case_worker", "supervisor", "org_admin"} | hub
    # The page says which roles each type of organisation the admin manages can be given.
    hub_labels = [
        "Editor of practices and guidelines",
        "Practice reviewer",
        "Event organiser",
        "Action plan owner",
    ]
    assert form.roles_by_type == [
        ("Municipality", ["Case worker", "Supervisor", *hub_labels, "Organisation admin"])
    ]
    assert "Roles each type of organisation can have" in page.content.decode()
    response = admin.post(
        reverse("accounts:invitation_create"),
        {"email": "anna@example.test", "organisation": cast.org_a.pk, "role": "national_coordinator"},
    )
    assert "cannot have the role “National coordinator”" in response.content.decode()
    assert not Invitation.objects.exists()


def test_accepting_an_invitation_the_type_no_longer_allows_is_refused(cast: Any) -> None:
    # Made before the rule (written directly, as old data would be).
    invitation = Invitation.objects.create(
        email=cast.caseworker_b.email,
        organisation=cast.org_a,
        role=Role.HOTLINE_OPERATOR,
        token_hash=invitation_token_hash("old-invitation-token"),
        invited_by=cast.orgadmin_a,
        expires_at=timezone.now() + timedelta(days=3),
    )
    with pytest.raises(ValidationError, match="cannot have the role “Hotline operator”"):
        invitation_accept_existing(user=cast.caseworker_b, invitation=invitation)
    assert not Membership.objects.filter(user=cast.caseworker_b, organisation=cast.org_a).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_reactivating_a_membership_the_type_does_not_allow_is_refused(cast: Any) -> None:
    membership = _member(cast.org_a, Role.ANALYST)
    membership_set_active(by=cast.sysadmin, membership=membership, active=False)
    with pytest.raises(ValidationError, match="cannot have the role “Analyst”"):
        membership_set_active(by=cast.sysadmin, membership=membership, active=True)
    membership.refresh_from_db()
    assert membership.is_active is False


def test_a_type_change_that_would_break_memberships_is_refused_and_names_them(
    cast: Any, as_persona: Any
) -> None:
    with pytest.raises(ValidationError, match="Caseworker A \\(Case worker\\), Supervisor A") as exc:
        organisation_update(by=cast.sysadmin, organisation=cast.org_a, org_type=OrgType.RESEARCH)
    assert "Orgadmin A" not in str(exc.value)  # every type may have its admin
    page = as_persona("orgadmin_a").post(
        reverse("directory:edit", args=[cast.org_a.pk]),
        {"name": cast.org_a.name, "org_type": OrgType.HOTLINE.value, "municipality": cast.riga.pk},
    )
    assert page.status_code == 200
    # A hotline may have supervisors: only the case worker is named.
    assert "cannot have this member&#x27;s role: Caseworker A (Case worker)." in page.content.decode()
    api = as_persona("sysadmin").patch(
        f"/api/v1/organisations/{cast.org_a.pk}", {"org_type": "Hotline"}, content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["pointer"] == "#/org_type"
    cast.org_a.refresh_from_db()
    assert cast.org_a.org_type == OrgType.MUNICIPALITY
    # Once that member is gone, the type may change.
    membership_set_active(by=cast.sysadmin, membership=cast.caseworker_a.memberships.get(), active=False)
    organisation_update(by=cast.sysadmin, organisation=cast.org_a, org_type=OrgType.HOTLINE)
    assert Organisation.objects.get(pk=cast.org_a.pk).org_type == OrgType.HOTLINE


def test_breaking_memberships_are_listed_for_system_admins_and_never_removed(
    cast: Any, as_persona: Any
) -> None:
    coordinator = _member(cast.org_c, Role.NATIONAL_COORDINATOR, "Līga Kalniņa")
    ended = _member(cast.org_c, Role.ANALYST, "Pēteris Ozols")
    Membership.objects.filter(pk=ended.pk).update(is_active=False)  # grants nothing: not listed
    url = reverse("accounts:memberships_breaking_rule")
    page = as_persona("sysadmin").get(url).content.decode()
    assert "Līga Kalniņa" in page
    assert "Riga Safe House" in page
    assert "Pēteris Ozols" not in page
    assert list(memberships_breaking_org_types()) == [coordinator]
    assert as_persona("orgadmin_a").get(url).status_code == 404
    # The person's page says so next to the membership, for whoever manages it.
    detail = as_persona("sysadmin").get(reverse("accounts:user_detail", args=[coordinator.user_id]))
    assert "an organisation of the type “Shelter” cannot have this role" in detail.content.decode()

    [warning] = check_memberships_fit_org_types()
    assert warning.id == "accounts.W001"
    assert f"membership {coordinator.pk}: user {coordinator.user_id} as national_coordinator" in str(
        warning.hint
    )
    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err)
    assert "accounts.W001" in out.getvalue() + err.getvalue()
    coordinator.refresh_from_db()
    assert coordinator.is_active is True
    assert coordinator.role == Role.NATIONAL_COORDINATOR


def test_strom_check_is_silent_when_every_membership_fits(cast: Any) -> None:
    assert check_memberships_fit_org_types() == []


def test_createadmin_refuses_an_existing_organisation_that_may_not_hold_system_admins(cast: Any) -> None:
    with pytest.raises(ValidationError, match="cannot have the role “System admin”") as exc:
        system_admin_create(
            email="new.admin@example.test",
            full_name="Jānis Liepa",
            password=PASSWORD,
            organisation_name=cast.org_a.name,
            country="LV",
        )
    assert "org" in exc.value.message_dict
    assert not User.objects.filter(email="new.admin@example.test").exists()
