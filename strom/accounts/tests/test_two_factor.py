from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.services import recovery_codes_regenerate, totp_device_confirm, totp_device_start
from strom.accounts.tests.conftest import actions, post_login, totp_code
from strom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


def _enrolled(user: Any) -> tuple[TOTPDevice, list[str]]:
    device = totp_device_start(user=user)
    codes = totp_device_confirm(user=user, device=device, token=totp_code(device))
    device.refresh_from_db()
    # The enrolment used this step's code; a device accepts each step only once.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return device, codes


def test_case_worker_without_authenticator_is_sent_to_enrolment(cast: Any) -> None:
    client = Client()
    response = post_login(client, "caseworker_a@example.test")
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert client.get(VERIFY)["Location"] == SETUP
    assert "login.success" not in actions()


def test_analyst_needs_no_second_factor(cast: Any) -> None:
    client = Client()
    assert post_login(client, "analyst_a@example.test")["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_before_the_second_factor_only_the_two_factor_pages_open(cast: Any) -> None:
    client = Client()
    post_login(client, "caseworker_a@example.test")
    for url in (reverse("core:dashboard"), reverse("accounts:profile"), reverse("accounts:user_list")):
        assert client.get(url)["Location"] == VERIFY
    response = client.get(reverse("core:dashboard"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == VERIFY
    assert client.get(SETUP).status_code == 200
    assert client.get("/healthz").status_code == 200
    # API paths are left to the API's authentication, which refuses an unverified session.
    assert client.get("/api/v1/me").status_code == 401


def test_the_two_factor_page_asks_for_nothing_that_sends_it_back_to_itself(cast: Any) -> None:
    """The header's notification count is fetched after the page; before the second factor that request
    is answered with a redirect to the two-factor page, which then reloaded itself without end and
    emptied the code field."""
    _enrolled(cast.caseworker_a)
    client = Client()
    post_login(client, "caseworker_a@example.test")
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert reverse("accounts:notifications_badge") not in page.content.decode()
    code = totp_code(TOTPDevice.objects.get(user=cast.caseworker_a))
    assert client.post(VERIFY, {"otp_token": code})["Location"] == reverse("core:dashboard")
    assert reverse("accounts:notifications_badge") in client.get(reverse("core:dashboard")).content.decode()


def test_enrolment_page_shows_an_inline_svg_qr_code_without_style_and_the_secret(cast: Any) -> None:
    client = Client()
    post_login(client, "caseworker_a@example.test")
    html = client.get(SETUP).content.decode()
    assert "<svg" in html
    assert "<title>" in html
    assert "style=" not in html
    device = TOTPDevice.objects.get(user=cast.caseworker_a)
    assert not device.confirmed
    secret = re.search(r'<p class="secret" id="totp-secret">([A-Z2-7 ]+)</p>', html)
    assert secret is not None
    from base64 import b32encode

    assert secret.group(1).replace(" ", "") == b32encode(device.bin_key).decode()


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(cast: Any) -> None:
    client = Client()
    post_login(client, "caseworker_a@example.test", next=reverse("accounts:profile"))
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=cast.caseworker_a)
    wrong = client.post(SETUP, {"otp_token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "not valid" in wrong.content.decode()
    response = client.post(SETUP, {"otp_token": totp_code(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=cast.caseworker_a).values_list("token", flat=True)
    )
    assert reverse("accounts:profile") in page  # continues to where the user was going
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse("accounts:profile")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert actions(actor_id=cast.caseworker_a.pk) == [
        "two_factor.enrolment_started",
        "two_factor.enrolled",
        "login.success",
    ]


def test_wrong_totp_code_is_refused_and_right_one_accepted(cast: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = _enrolled(cast.caseworker_a)
    client = Client()
    post_login(client, "caseworker_a@example.test")
    right = totp_code(device)
    response = client.post(VERIFY, {"otp_token": "999999" if right != "999999" else "888888"})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302
    response = client.post(VERIFY, {"otp_token": right})
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEntry.objects.get(action="login.success").details == {"two_factor": True}
    assert actions(action__startswith="two_factor.")[-2:] == ["two_factor.failure", "two_factor.success"]


def test_django_otp_throttles_quick_retries(cast: Any) -> None:
    device, _ = _enrolled(cast.caseworker_a)
    client = Client()
    post_login(client, "caseworker_a@example.test")
    right = totp_code(device)
    client.post(VERIFY, {"otp_token": "999999" if right != "999999" else "888888"})
    response = client.post(VERIFY, {"otp_token": right})
    assert "Too many wrong codes" in response.content.decode()
    assert "two_factor.throttled" in actions()


def test_recovery_code_works_once(cast: Any) -> None:
    _, codes = _enrolled(cast.caseworker_a)
    client = Client()
    post_login(client, "caseworker_a@example.test")
    assert client.post(VERIFY, {"otp_token": codes[0].upper()})["Location"] == reverse("core:dashboard")
    assert StaticToken.objects.filter(device__user=cast.caseworker_a).count() == 9
    client.post(reverse("accounts:logout"))
    other = Client()
    post_login(other, "caseworker_a@example.test")
    response = other.post(VERIFY, {"otp_token": codes[0]})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()


def test_repeated_wrong_codes_lock_the_account(cast: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = _enrolled(cast.caseworker_a)
    client = Client()
    post_login(client, "caseworker_a@example.test")
    right = totp_code(device)
    wrong = "999999" if right != "999999" else "888888"
    for _ in range(4):
        assert client.post(VERIFY, {"otp_token": wrong}).status_code == 200
    response = client.post(VERIFY, {"otp_token": wrong})
    assert response.status_code == 429
    # Logged out, and the password alone no longer gets anyone in.
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))
    assert post_login(Client(), "caseworker_a@example.test").status_code == 429
    assert "login.locked_out" in actions()


def test_logging_in_again_does_not_reset_the_count_of_wrong_codes(cast: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = _enrolled(cast.caseworker_a)
    right = totp_code(device)
    wrong = "999999" if right != "999999" else "888888"
    for _ in range(2):
        client = Client()
        post_login(client, "caseworker_a@example.test")
        for _ in range(2):
            client.post(VERIFY, {"otp_token": wrong})
    client = Client()
    post_login(client, "caseworker_a@example.test")
    assert client.post(VERIFY, {"otp_token": wrong}).status_code == 429


def test_recovery_codes_regenerate_from_a_verified_session_only(cast: Any, as_persona: Any) -> None:
    _, old = _enrolled(cast.caseworker_a)
    client = as_persona("caseworker_a")
    response = client.post(reverse("accounts:recovery_codes"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert "two_factor.recovery_codes_regenerated" in actions(actor_id=cast.caseworker_a.pk)
    unverified = Client()
    post_login(unverified, "caseworker_a@example.test")
    assert unverified.post(reverse("accounts:recovery_codes"))["Location"] == VERIFY


def test_recovery_codes_need_an_authenticator(cast: Any) -> None:
    with pytest.raises(Exception, match="authenticator"):
        recovery_codes_regenerate(user=cast.analyst_a)


def test_analyst_who_opted_in_must_pass_the_second_factor(cast: Any) -> None:
    device, _ = _enrolled(cast.analyst_a)
    client = Client()
    assert post_login(client, "analyst_a@example.test")["Location"] == VERIFY
    assert client.get(reverse("core:dashboard"))["Location"] == VERIFY
    assert client.post(VERIFY, {"otp_token": totp_code(device)})["Location"] == reverse("core:dashboard")


def test_admin_reset_of_two_factor_makes_the_user_enrol_again(cast: Any, as_persona: Any) -> None:
    _enrolled(cast.caseworker_a)
    response = as_persona("orgadmin_a").post(
        reverse("accounts:user_reset_two_factor", args=[cast.caseworker_a.pk])
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.caseworker_a).exists()
    client = Client()
    post_login(client, "caseworker_a@example.test")
    assert client.get(VERIFY)["Location"] == SETUP
    assert "two_factor.reset" in actions(actor_id=cast.orgadmin_a.pk)
