"""The demo's partner instance: added through the services, suspended, made once."""

from __future__ import annotations

import pytest

from strom.accounts.models import Membership, User
from strom.core.roles import OrgType, Role
from strom.demo.transnational import DEMO_PARTNER_URL, demo_transnational_load
from strom.directory.models import Organisation
from strom.network.tests.factories import make_service
from strom.transnational.models import OutboxMessage, Partner, PartnerState

pytestmark = pytest.mark.django_db


def test_the_demo_partner_is_configured_suspended_and_made_once() -> None:
    assert demo_transnational_load() == 0, "nothing without the demo directory"
    focal = Organisation.objects.create(
        name="National THB Coordinator (LV)", org_type=OrgType.NATIONAL_COORDINATOR, country="LV"
    )
    make_service(focal, name="National referral mechanism desk", trm_focal_point=True)
    admin = User.objects.create_user("sysadmin@demo.example", "correct horse battery staple 42")
    Membership.objects.create(user=admin, organisation=focal, role=Role.SYSTEM_ADMIN)
    assert demo_transnational_load() == 1
    assert demo_transnational_load() == 0
    partner = Partner.objects.get(url=DEMO_PARTNER_URL)
    assert partner.state == PartnerState.SUSPENDED
    assert partner.organisation == focal
    assert OutboxMessage.objects.filter(partner=partner, kind="partner.confirm").count() == 1
