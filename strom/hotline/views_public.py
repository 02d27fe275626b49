"""The hotline's public front door: /help/<language>/..., without logging in, where the instance opens it.

Privacy by construction: the language comes from the URL (no language cookie), no session is
touched, the only cookie is the CSRF cookie of the pages with a form, nothing is loaded from another
site, and no address is stored (the rate limit counts a salted hash, strom.hotline.public). Submissions
are audited as the public form's system actor with no address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.audit.actors import HOTLINE_PUBLIC_FORM
from strom.core import markdown_lite
from strom.core.context import Origin, current_origin, origin
from strom.core.countries import countries
from strom.core.languages import region_language_name
from strom.core.middleware import client_ip
from strom.directory.models import Organisation
from strom.hotline.forms import MESSAGE_MAX, PublicForm, SelfCheckForm
from strom.hotline.models import CallerType, Channel, RightsPage, Topic
from strom.hotline.public import (
    QUESTIONS,
    hotline_numbers,
    hotline_of,
    public_countries,
    rights_language,
    selfcheck_level,
    submission_allowed,
)
from strom.hotline.services import ContactFields, TipFields, public_submit


def _open(lang: str) -> None:
    if not settings.STROM_HOTLINE_PUBLIC or lang not in dict(settings.LANGUAGES):
        raise Http404


def _hotline(country: str) -> Organisation:
    hotline = hotline_of(country) if country.isalpha() and len(country) == 2 else None
    if hotline is None:
        raise Http404
    return hotline


def _language_links(request: HttpRequest, lang: str) -> list[dict[str, Any]]:
    """The same page in every language the instance offers."""
    match = resolve(request.path_info)
    links = []
    for code, _name in settings.LANGUAGES:
        try:
            url = reverse(match.view_name, kwargs={**match.kwargs, "lang": code})
        except NoReverseMatch:
            continue
        with translation.override(code):
            links.append(
                {
                    "code": code,
                    "name": translation.get_language_info(code)["name_local"],
                    "url": url,
                    "current": code == lang,
                }
            )
    return links


def _page(
    request: HttpRequest, lang: str, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    context |= {
        "lang": lang,
        "languages": _language_links(request, lang),
        "leave_url": settings.STROM_HOTLINE_LEAVE_URL,
    }
    with translation.override(lang):
        response = render(request, template, context, status=status)
    response["Content-Language"] = lang
    # Shared computers: the pages must not stay in the browser's cache or history snapshots.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def index(request: HttpRequest, lang: str) -> HttpResponse:
    _open(lang)
    names = countries()
    with translation.override(lang):
        rows = [{"code": c, "name": names.get(c, c)} for c in public_countries()]
    return _page(request, lang, "hotline/public/index.html", {"countries": rows})


@require_GET
def country_page(request: HttpRequest, lang: str, country: str) -> HttpResponse:
    _open(lang)
    country = country.upper()
    _hotline(country)
    page = RightsPage.objects.filter(country=country).prefetch_related("translations").first()
    shown = rights_language(page, lang) if page is not None else ""
    if page is not None:
        page.set_current_language(shown)
    with translation.override(lang):
        country_name = countries().get(country, country)
        shown_name = region_language_name(shown)
    context = {
        "country": country,
        "country_name": country_name,
        "page": page,
        "body": markdown_lite.render(page.body) if page else "",
        "numbers": hotline_numbers(country),
        # The language the page is shown in, and its name in the visitor's language when it is not theirs.
        "page_language": shown,
        "page_language_name": shown_name if shown and shown != lang else "",
    }
    return _page(request, lang, "hotline/public/country.html", context)


@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest, lang: str, country: str) -> HttpResponse:
    """Questions and a result; nothing is stored. Sending the answers to the hotline is a separate step."""
    _open(lang)
    country = country.upper()
    _hotline(country)
    with translation.override(lang):
        form = SelfCheckForm(request.POST if request.method == "POST" else None)
        answered = form.is_bound and form.is_valid()
        answers = set(form.cleaned_data["answers"]) if answered else set()
        context = {
            "country": country,
            "form": form,
            "answered": answered,
            "level": selfcheck_level(answers) if answered else "",
            "numbers": hotline_numbers(country) if answered else [],
            # The message form, carrying the answers as hidden fields for the visitor to send if they wish.
            "write_form": PublicForm(country=country, initial={"answers": sorted(answers)})
            if answered
            else None,
        }
        return _page(request, lang, "hotline/public/self_check.html", context)


def _contact_fields(data: dict[str, Any], lang: str, country: str) -> tuple[ContactFields, TipFields | None]:
    """What the visitor sent, as a contact (and a tip when it is about a workplace)."""
    answers = set(data.get("answers") or [])
    strong = selfcheck_level(answers) == "signs" or bool(data.get("indicators"))
    lines = [data["message"]]
    if answers:
        # Written in the instance's language for the operators, whatever the visitor's language was.
        with translation.override(settings.LANGUAGE_CODE):
            lines.append(
                _("Self-check, answered yes:")
                + " "
                + "; ".join(str(q.text) for q in QUESTIONS if q.id in answers)
            )
    caller_type = {
        "myself": CallerType.POSSIBLE_VICTIM,
        "someone": CallerType.FAMILY_FRIEND,
    }.get(data["about"], CallerType.ANONYMOUS_PUBLIC)
    contact = ContactFields(
        channel=Channel.WEB_FORM,
        caller_type=caller_type,
        topic=Topic.POSSIBLE_TRAFFICKING if strong else Topic.LABOUR_RIGHTS,
        language=lang,
        country=country,
        municipality=data.get("municipality"),
        immediate_danger=bool(data.get("danger")),
        child="child" in answers,
        summary="\n\n".join(lines),
        contact_me=bool(data.get("contact_me")),
        callback=data.get("callback") or "" if data.get("contact_me") else "",
    )
    tip = None
    if data["about"] == "workplace":
        tip = TipFields(
            place_name=data["place_name"],
            sector=data["sector"],
            country=country,
            municipality=data.get("municipality"),
            indicators=list(data.get("indicators") or []),
            description=data["message"],
        )
    return contact, tip


@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, lang: str, country: str) -> HttpResponse:
    """The anonymous tip or "contact me" form."""
    _open(lang)
    country = country.upper()
    hotline = _hotline(country)
    with translation.override(lang):
        if request.method != "POST":
            return _form(request, lang, country, PublicForm(country=country))
        if request.POST.get("website"):
            # A robot filled the field people never see: answer as if it worked, keep nothing.
            return redirect("help:sent", lang=lang, country=country.lower())
        if not submission_allowed(client_ip(request)):
            # Not checked and no form to send again (it would be refused until the hour is over): the
            # reason, what the visitor wrote and the numbers, so a flood's refusals stay cheap.
            refusal = _(
                "Too many messages were sent from your connection in the last hour. "
                "Please try again later, or call the hotline."
            )
            context = {
                "country": country,
                "refusal": refusal,
                "message": request.POST.get("message", "")[:MESSAGE_MAX],
                "numbers": hotline_numbers(country),
            }
            return _page(request, lang, "hotline/public/refused.html", context, status=429)
        form = PublicForm(request.POST, country=country)  # made only now: refusals never need it
        if not form.is_valid():
            return _form(request, lang, country, form, status=400)
        contact, tip = _contact_fields(form.cleaned_data, lang, country)
        # The audit entry of the submission carries no address: only that it came through the public door.
        with origin(Origin(channel="public", ip=None, request_id=current_origin().request_id)):
            public_submit(by=HOTLINE_PUBLIC_FORM, organisation=hotline, language=lang, data=contact, tip=tip)
    return redirect("help:sent", lang=lang, country=country.lower())


def _form(
    request: HttpRequest, lang: str, country: str, form: PublicForm, *, status: int = 200
) -> HttpResponse:
    context = {"country": country, "form": form, "numbers": hotline_numbers(country)}
    return _page(request, lang, "hotline/public/write.html", context, status=status)


@require_GET
def sent(request: HttpRequest, lang: str, country: str) -> HttpResponse:
    _open(lang)
    country = country.upper()
    _hotline(country)
    return _page(
        request, lang, "hotline/public/sent.html", {"country": country, "numbers": hotline_numbers(country)}
    )
