from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strom.accounts.models import Membership, User
from strom.accounts.services import membership_change_role, membership_set_active, user_set_active
from strom.accounts.tests.conftest import actions
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.core.roles import Perm, Role

pytestmark = pytest.mark.django_db


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


def test_org_admin_lists_only_colleagues_of_their_organisation(cast: Any, as_persona: Any) -> None:
    html = as_persona("orgadmin_a").get(reverse("accounts:user_list")).content.decode()
    assert "caseworker_a@example.test" in html
    assert "caseworker_b@example.test" not in html
    assert "outsider@example.test" not in html


def test_system_admin_lists_everyone(cast: Any, as_persona: Any) -> None:
    html = as_persona("sysadmin").get(reverse("accounts:user_list")).content.decode()
    assert "caseworker_b@example.test" in html
    assert "outsider@example.test" in html


def test_user_list_filters_by_role_status_and_exact_name(cast: Any, as_persona: Any) -> None:
    client = as_persona("sysadmin")
    url = reverse("accounts:user_list")
    html = client.get(url, {"role": "analyst"}).content.decode()
    assert "analyst_a@" in html
    assert "analyst_b@" in html
    assert "caseworker_a@" not in html
    html = client.get(url, {"organisation": cast.orgs["research_lt"].pk, "role": "analyst"}).content.decode()
    assert "analyst_b@" in html
    assert "analyst_a@" not in html
    # The name is encrypted; the blind index finds it regardless of case and word order.
    html = client.get(url, {"name": "a CASEWORKER"}).content.decode()
    assert "caseworker_a@" in html
    assert "caseworker_b@" not in html
    cast.analyst_a.is_active = False
    cast.analyst_a.save(update_fields=["is_active"])
    html = client.get(url, {"active": "no"}).content.decode()
    assert "analyst_a@" in html
    assert "analyst_b@" not in html


def test_user_list_query_count_does_not_grow_with_users(cast: Any, as_persona: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_persona("sysadmin")
    client.get(reverse("accounts:user_list"))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("accounts:user_list")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        user = User.objects.create_user(f"extra{i}@example.test", "x", full_name=f"Extra {i}")
        Membership.objects.create(user=user, organisation=cast.org_b, role=Role.ANALYST)
    assert count() == before


def test_viewing_a_colleague_is_audited(cast: Any, as_persona: Any) -> None:
    response = as_persona("supervisor_a").get(reverse("accounts:user_detail", args=[cast.caseworker_a.pk]))
    assert response.status_code == 200
    assert "Caseworker A" in response.content.decode()
    # A supervisor sees, but has no buttons to change anything.
    assert "Deactivate" not in response.content.decode()
    entry = AuditEntry.objects.get(action="user.view")
    assert entry.actor_id == cast.supervisor_a.pk
    assert entry.object_ref == str(cast.caseworker_a.pk)


def test_org_admin_cannot_see_or_manage_users_of_another_organisation(cast: Any, as_persona: Any) -> None:
    client = as_persona("orgadmin_a")
    target = cast.caseworker_b
    assert client.get(reverse("accounts:user_detail", args=[target.pk])).status_code == 404
    assert client.post(reverse("accounts:user_deactivate", args=[target.pk])).status_code == 404
    membership = _membership(target)
    response = client.post(
        reverse("accounts:membership_change_role", args=[membership.pk]), {"role": "analyst"}
    )
    assert response.status_code == 404
    assert _membership(target).role == Role.CASE_WORKER
    assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404


def test_org_admin_changes_a_role_and_it_is_audited(cast: Any, as_persona: Any) -> None:
    membership = _membership(cast.caseworker_a)
    response = as_persona("orgadmin_a").post(
        reverse("accounts:membership_change_role", args=[membership.pk]),
        {f"m{membership.pk}-role": "supervisor"},
    )
    assert response.status_code == 302
    assert _membership(cast.caseworker_a).role == Role.SUPERVISOR
    entry = AuditEntry.objects.get(action="membership.change_role")
    assert entry.organisation_id == cast.org_a.pk
    assert entry.details == {
        "from": "case_worker",
        "to": "supervisor",
    }


def test_org_admin_cannot_make_or_unmake_system_admins_nor_change_their_own_role(cast: Any) -> None:
    with pytest.raises(ValidationError):
        membership_change_role(
            by=cast.orgadmin_a, membership=_membership(cast.caseworker_a), role=Role.SYSTEM_ADMIN
        )
    with pytest.raises(ValidationError):
        membership_change_role(by=cast.orgadmin_a, membership=_membership(cast.sysadmin), role=Role.ANALYST)
    with pytest.raises(ValidationError):
        membership_set_active(by=cast.orgadmin_a, membership=_membership(cast.sysadmin), active=False)
    with pytest.raises(ValidationError):
        membership_change_role(by=cast.orgadmin_a, membership=_membership(cast.orgadmin_a), role=Role.ANALYST)
    # An account the admin may not manage is refused like a missing one.
    with pytest.raises(NotAllowed, match="You cannot manage this account"):
        user_set_active(by=cast.orgadmin_a, user=cast.sysadmin, active=False)
    assert _membership(cast.sysadmin).role == Role.SYSTEM_ADMIN
    assert not actions(action__startswith="membership.")


def test_membership_deactivation_removes_rights_and_ends_sessions(cast: Any, as_persona: Any) -> None:
    supervisor = as_persona("supervisor_a")
    assert supervisor.get(reverse("accounts:user_list")).status_code == 200
    response = as_persona("orgadmin_a").post(
        reverse("accounts:membership_deactivate", args=[_membership(cast.supervisor_a).pk])
    )
    assert response.status_code == 302
    assert supervisor.get(reverse("accounts:user_list")).status_code == 302
    assert not User.objects.get(pk=cast.supervisor_a.pk).has_any(Perm.ORG_USERS_VIEW)
    as_persona("orgadmin_a").post(
        reverse("accounts:membership_reactivate", args=[_membership(cast.supervisor_a).pk])
    )
    assert actions(action__startswith="membership.") == ["membership.deactivate", "membership.reactivate"]


def test_user_deactivation_and_reactivation_are_audited(cast: Any, as_persona: Any) -> None:
    admin = as_persona("orgadmin_a")
    admin.post(reverse("accounts:user_deactivate", args=[cast.caseworker_a.pk]))
    assert not User.objects.get(pk=cast.caseworker_a.pk).is_active
    admin.post(reverse("accounts:user_reactivate", args=[cast.caseworker_a.pk]))
    assert User.objects.get(pk=cast.caseworker_a.pk).is_active
    assert actions(actor_id=cast.orgadmin_a.pk, object_ref=str(cast.caseworker_a.pk)) == [
        "user.deactivate",
        "user.reactivate",
    ]


def test_nobody_deactivates_themselves(cast: Any) -> None:
    with pytest.raises(ValidationError):
        user_set_active(by=cast.orgadmin_a, user=cast.orgadmin_a, active=False)


def test_profile_updates_name_and_language(cast: Any, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Riga Social Service" in page
    response = client.post(reverse("accounts:profile"), {"full_name": "Ilze Kalniņa", "language": "lv"})
    assert response.status_code == 302
    user = User.objects.get(pk=cast.caseworker_a.pk)
    assert (user.full_name, user.language) == ("Ilze Kalniņa", "lv")
    # The blind index moved with the name.
    assert User.objects.filter(full_name_index=user.full_name_index).get() == user
    assert AuditEntry.objects.get(action="user.update_profile").details == {
        "fields": ["full_name", "language"]
    }
    empty = client.post(reverse("accounts:profile"), {"full_name": "", "language": ""})
    assert empty.status_code == 200
    assert "error-summary" in empty.content.decode()
