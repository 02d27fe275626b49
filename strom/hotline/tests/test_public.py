# ruff: noqa: RUF001 - Russian text is the point of these tests
"""The public front door: closed by default, no cookie but CSRF's, no session, no address kept
anywhere, abuse refused with a message and nothing saved, the rate limit, and a tip sent in Russian
reaching the Latvian hotline's queue."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.hotline.models import Contact, Tip
from tests.personas import Cast

pytestmark = pytest.mark.django_db

OPEN = override_settings(STROM_HOTLINE_PUBLIC=True)
IP = "127.23.45.67"


def _url(name: str, lang: str = "en", country: str = "lv") -> str:
    return reverse(f"help:{name}", kwargs={"lang": lang, "country": country})


def _visitor(ip: str = IP) -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)


def _post(client: Client, data: dict[str, Any], *, lang: str = "en") -> Any:
    page = client.get(_url("write", lang))
    token = page.cookies["strom_csrf"].value
    return client.post(_url("write", lang), {"csrfmiddlewaretoken": token, **data})


TIP = {
    "about": "workplace",
    "message": "На ферме у рабочих забрали паспорта, живут в сарае.",
    "place_name": "Ферма Зелёная долина",
    "sector": "agriculture",
    "indicators": ["documents_taken", "living_on_site"],
}


def test_the_front_door_is_closed_unless_the_instance_opens_it(cast: Cast) -> None:
    assert Client().get(reverse("help:index", kwargs={"lang": "en"})).status_code == 404
    with OPEN:
        assert Client().get(reverse("help:index", kwargs={"lang": "en"})).status_code == 200
        assert Client().get(reverse("help:index", kwargs={"lang": "xx"})).status_code == 404
        assert Client().get(_url("country", "en", "se")).status_code == 404  # no hotline in Sweden


@OPEN
def test_pages_set_no_cookie_and_open_no_session(cast: Cast) -> None:
    client = Client()
    sessions = Session.objects.count()
    for url in (reverse("help:index", kwargs={"lang": "ru"}), _url("country", "ru"), _url("sent", "ru")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, response.cookies)
        assert response["Content-Language"] == "ru"
        html = response.content.decode()
        assert '<html lang="ru">' in html
        assert 'class="skip-link"' in html
        assert "data-leave" in html
        assert 'href="https://www.wikipedia.org/"' in html
        assert "http://" not in html.replace('href="https://www.wikipedia.org/"', "")
        assert "https://" not in html.replace('href="https://www.wikipedia.org/"', "")
    form = client.get(_url("write"))
    assert set(form.cookies) == {"strom_csrf"}
    assert Session.objects.count() == sessions


@OPEN
def test_the_form_needs_its_csrf_token(cast: Cast) -> None:
    client = _visitor()
    client.get(_url("write"))
    assert client.post(_url("write"), TIP).status_code == 403
    assert not Contact.objects.exists()


@OPEN
def test_an_anonymous_tip_in_russian_reaches_the_hotline_queue_without_an_address(
    cast: Cast, as_persona: Any
) -> None:
    response = _post(_visitor(), TIP, lang="ru")
    assert response.status_code == 302
    assert response["Location"] == _url("sent", "ru")
    contact = Contact.objects.get()
    assert contact.organisation == cast.orgs["hotline_lv"]
    assert contact.source == "public"
    assert (contact.channel, contact.language, contact.caller_type) == ("web_form", "ru", "anonymous_public")
    tip = Tip.objects.get()
    assert tip.contact == contact
    assert tip.place_name == "Ферма Зелёная долина"
    queue = as_persona("hotline_a").get(reverse("hotline:queue")).content.decode()
    assert "На ферме у рабочих забрали паспорта" in queue
    assert as_persona("hotline_a").get(reverse("hotline:tip", kwargs={"tip_id": tip.pk})).status_code == 200
    # No address anywhere: not in the audit log, not in any column of the new rows, not in the cache.
    entries = AuditEntry.objects.filter(action__in=["hotline.public_submit", "hotline.tip_create"])
    assert entries.count() == 2
    assert all(
        e.ip is None and e.channel == "public" and e.system_actor == "hotline-public-form" for e in entries
    )
    for table in ("hotline_contact", "hotline_tip", "audit_auditentry"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert IP not in str(cursor.fetchall()), table
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys
    assert not any(IP in str(key) for key in keys)


@OPEN
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("x" * 2001, "shorten your text to 2000 characters"),
        ("<script>alert(1)</script>", "plain text"),
        ('Click <a href="http://spam.example">here</a>', "plain text"),
        ("javascript:alert(1)", "plain text"),
        ("Broken \ufffd text", "could not be read"),
        ("Bell \x07 character", "invisible control characters"),
        ("http://a.example http://b.example http://c.example", "at most 2 links"),
        ("Z\u0301\u0302\u0303\u0304\u0305algo", "too many accents"),
        ("   ", "required"),
    ],
)
def test_abuse_is_refused_with_a_clear_message_and_nothing_saved(
    cast: Cast, message: str, expected: str
) -> None:
    response = _post(_visitor(), {**TIP, "message": message})
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Contact.objects.exists()
    assert not Tip.objects.exists()


@OPEN
def test_invisible_reordering_characters_are_removed(cast: Cast) -> None:
    _post(_visitor(), {**TIP, "message": "Pay\u202e withheld\u200b"})
    assert Contact.objects.get().summary.startswith("Pay withheld")


@OPEN
def test_the_honeypot_pretends_and_keeps_nothing(cast: Cast) -> None:
    response = _post(_visitor(), {**TIP, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Contact.objects.exists()


@OPEN
@override_settings(STROM_HOTLINE_PUBLIC_LIMIT=2, STROM_HOTLINE_PUBLIC_GLOBAL_LIMIT=3)
def test_the_rate_limit_counts_per_address_and_overall(cast: Cast) -> None:
    first = _visitor("127.0.0.2")
    assert [_post(first, TIP).status_code for _ in range(3)] == [302, 302, 429]
    refused = _post(first, TIP)
    page = refused.content.decode()
    assert "Too many messages" in page
    # What the visitor wrote comes back to keep, escaped, with the numbers; no form to send it again.
    assert "На ферме у рабочих забрали паспорта" in page
    assert 'name="csrfmiddlewaretoken"' not in page
    assert (
        _post(first, {**TIP, "message": "<b>still here</b>"}).content.decode().count("&lt;b&gt;still here")
        == 1
    )
    assert _post(_visitor("127.0.0.3"), TIP).status_code == 302
    assert _post(_visitor("127.0.0.4"), TIP).status_code == 429  # the hour's overall allowance is used up
    assert Contact.objects.count() == 3


@OPEN
@override_settings(STROM_HOTLINE_PUBLIC_LIMIT=2)
def test_an_address_that_pauses_keeps_its_count_for_the_hour(cast: Cast) -> None:
    # Django's incr() wrote the count back with the cache's five-minute default: after a pause the
    # address had its hour's allowance again.
    visitor = _visitor("127.0.0.5")
    assert [_post(visitor, TIP).status_code for _ in range(2)] == [302, 302]
    later = time.time() + 20 * 60
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=later):
        assert _post(visitor, TIP).status_code == 429
    assert Contact.objects.count() == 2


@OPEN
def test_contact_me_needs_a_way_to_reach_the_visitor(cast: Cast) -> None:
    data = {"about": "myself", "message": "Мне не платят уже два месяца.", "contact_me": "on"}
    assert _post(_visitor(), data).status_code == 400
    assert (
        _post(_visitor("127.0.0.9"), {**data, "callback": "Telegram @olga_test, after 18:00"}).status_code
        == 302
    )
    contact = Contact.objects.get()
    assert contact.contact_me
    assert contact.callback.startswith("Telegram")
    assert contact.caller_type == "possible_victim"


@OPEN
def test_the_self_check_stores_nothing_until_the_visitor_sends_it(cast: Cast) -> None:
    client = _visitor()
    page = client.get(_url("self_check"))
    token = page.cookies["strom_csrf"].value
    entries = AuditEntry.objects.count()
    result = client.post(_url("self_check"), {"csrfmiddlewaretoken": token, "answers": ["documents", "debt"]})
    assert result.status_code == 200
    html = result.content.decode()
    assert "forced labour" in html
    # The answers ride in the form's hidden fields, never in an address the browser's history keeps.
    assert 'type="hidden" name="answers" value="debt"' in html
    assert "answers=" not in html
    assert not Contact.objects.exists()
    assert AuditEntry.objects.count() == entries
    sent = _post(client, {"about": "myself", "message": "Помогите.", "answers": ["documents", "debt"]})
    assert sent.status_code == 302
    contact = Contact.objects.get()
    assert contact.topic == "possible_trafficking"
    assert "passport" in contact.summary


@OPEN
def test_text_in_another_encoding_is_refused_not_garbled_into_the_queue(cast: Cast) -> None:
    client = _visitor()
    page = client.get(_url("write"))
    token = page.cookies["strom_csrf"].value
    # "Помогите" in Windows-1251, sent as if it were UTF-8: the bytes cannot be read as UTF-8.
    body = f"csrfmiddlewaretoken={token}&about=myself&message=%CF%EE%EC%EE%E3%E8%F2%E5"
    response = client.post(_url("write"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Contact.objects.exists()
