"""`strom demo`: the demo directory and accounts, loaded once, and how to log in printed."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Membership, User
from strom.accounts.selectors import memberships_breaking_org_types
from strom.audit.models import AuditEntry
from strom.core.roles import TWO_FACTOR_ROLES, Role
from strom.demo import accounts
from strom.demo.management.commands import demo
from strom.directory.models import Municipality, Organisation


@pytest.mark.django_db
def test_demo_loads_once_and_a_second_run_changes_nothing(demo_loaded: str) -> None:
    counts = (User.objects.count(), Organisation.objects.count(), Municipality.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (User.objects.count(), Organisation.objects.count(), Municipality.objects.count()) == counts
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


@pytest.mark.django_db
def test_demo_has_an_account_for_every_role_and_a_confirmed_device_where_two_factor_is_required(
    demo_loaded: str,
) -> None:
    demo_users = User.objects.filter(email__in=[person.email for person in accounts.USERS])
    roles = set(Membership.objects.filter(user__in=demo_users).values_list("role", flat=True))
    assert roles == set(Role.values)
    for user in demo_users:
        assert user.check_password(accounts.DEMO_PASSWORD)
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        assert has_device == any(role in TWO_FACTOR_ROLES for role in user.roles()), user.email
    countries = set(Organisation.objects.values_list("country", flat=True))
    assert {"LV", "LT", "EE", "FI", "SE", "NO", "DK", "PL", "DE"} <= countries


@pytest.mark.django_db
def test_demo_prints_secrets_and_codes_that_the_devices_accept(demo_loaded: str) -> None:
    device = TOTPDevice.objects.get(user__email="caseworker@demo.example")
    assert demo._secret(device) in demo_loaded

    codes = StringIO()
    call_command("demo", codes=True, stdout=codes)
    match = re.search(r"caseworker@demo\.example\s+(\d{6})", codes.getvalue())
    assert match is not None
    assert device.verify_token(match.group(1))


@pytest.mark.django_db
def test_demo_refuses_to_run_in_production() -> None:
    users = User.objects.count()  # the demo may be loaded already, for the module's other tests
    with (
        override_settings(STROM_ENV="production"),
        pytest.raises(CommandError, match="never loaded in production"),
    ):
        call_command("demo", stdout=StringIO())
    assert User.objects.count() == users


@pytest.mark.django_db
def test_the_demo_data_obeys_the_rule(demo_loaded: str) -> None:
    assert Membership.objects.exists()
    assert not memberships_breaking_org_types().exists()


@pytest.mark.django_db
def test_the_demo_directory_is_made_through_the_services_by_its_system_admin(demo_loaded: str) -> None:
    admin = User.objects.get(email="sysadmin@demo.example")
    made = AuditEntry.objects.filter(action="organisation.create")
    assert made.count() == len(accounts.ORGANISATIONS)
    # All but the administrator's own organisation, which exists before anyone may create one.
    assert made.filter(actor_id=admin.pk).count() == len(accounts.ORGANISATIONS) - 1
    places = AuditEntry.objects.filter(action="municipality.create", actor_id=admin.pk)
    assert places.count() == len(accounts.MUNICIPALITIES)
    demo_accounts = User.objects.filter(email__endswith="@demo.example")
    audited = AuditEntry.objects.filter(action="user.create").values_list("object_ref", flat=True)
    assert {str(pk) for pk in demo_accounts.values_list("pk", flat=True)} <= set(audited)
