"""Demo transnational referral: a partner instance configured but not connected.

Estonia's STROM instance is added by the demo's system admin with the National THB Coordinator (LV)
as Latvia's focal point for it, then suspended: there is no Estonian instance to talk to, so its
confirmation waits in the outbox, and the partners page shows what an admin sees. Its keys are made
here and only their public half is kept. Once only (the partner's address marks it).
"""

from __future__ import annotations

from strom.accounts.models import User
from strom.directory.models import Organisation
from strom.transnational.keys import new_instance_keys
from strom.transnational.models import Partner
from strom.transnational.services import partner_add, partner_suspend

DEMO_PARTNER_URL = "https://strom.ee.example.org/api/v1/transnational"


def demo_transnational_load() -> int:
    """The demo partner instance; 0 when it exists already or the demo directory is missing."""
    if Partner.objects.filter(url=DEMO_PARTNER_URL).exists():
        return 0
    admin = User.objects.filter(email="sysadmin@demo.example").first()
    focal = Organisation.objects.filter(name="National THB Coordinator (LV)", country="LV").first()
    if admin is None or focal is None:
        return 0
    keys = new_instance_keys()
    partner = partner_add(
        by=admin,
        name="STROM Estonia (demo, not connected)",
        country="EE",
        url=DEMO_PARTNER_URL,
        signing_thumbprint=keys.signing.current,
        encryption_thumbprint=keys.encryption.current,
        organisation=focal,
        jwks=keys.public_jwks(),
    )
    partner_suspend(by=admin, partner=partner, reason="Demo: there is no Estonian instance to connect to.")
    return 1
