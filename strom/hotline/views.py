"""The hotline's pages for its operators and supervisors, its statistics and the public pages' editors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.audit.services import audit_read
from strom.core.countries import countries, is_country
from strom.core.errors import NotAllowed
from strom.core.forms import validation_error_to_form
from strom.core.languages import region_language_name
from strom.core.numbers import whole_number
from strom.directory.models import Organisation
from strom.hotline import access
from strom.hotline.forms import (
    ContactForm,
    LinkCaseForm,
    OpenCaseForm,
    PublicRecipientForm,
    QueueFilterForm,
    ReferForm,
    RightsPageForm,
    TipForm,
    TipGroupForm,
    TipPassForm,
)
from strom.hotline.models import PublicRecipient, RightsPage
from strom.hotline.public import hotline_of
from strom.hotline.selectors import (
    DIMENSIONS,
    audit_contacts_read,
    earlier_contacts,
    hotline_table,
    queue_page,
    tip_group_members,
    tips_page,
)
from strom.hotline.services import (
    contact_close,
    contact_link_case,
    contact_log,
    contact_open_case,
    contact_refer,
    contact_review,
    contact_screen,
    public_recipient_choose,
    rights_page_save,
    tip_create,
    tip_group,
    tip_pass,
)
from strom.screening.forms import ScreeningForm
from strom.screening.indicators import IndicatorSet, current_sets, get_set
from strom.screening.presenters import checklist


def _log_orgs(request: AuthenticatedHttpRequest) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=access.log_org_ids(request.user)).order_by("name"))


def _page_url(request: AuthenticatedHttpRequest, number: int) -> str:
    """The queue's address with its filters and another page number."""
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


@login_required
@require_GET
def contact_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_hotline(user)
    filters = QueueFilterForm(request.GET or None)
    clean: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    number = whole_number(request.GET.get("page", "")) or 1
    page = queue_page(
        user,
        page=number,
        status=clean.get("status") or "open",
        channel=clean.get("channel") or "",
        topic=clean.get("topic") or "",
        urgent=bool(clean.get("urgent")),
        unreviewed=bool(clean.get("unreviewed")),
    )
    audit_contacts_read(user, page.rows, page="queue")
    context = {
        "rows": page.rows,
        "filters": filters,
        "may_log": bool(access.log_org_ids(user)),
        "page_number": page.number,
        "previous_url": _page_url(request, page.number - 1) if page.number > 1 else "",
        "next_url": _page_url(request, page.number + 1) if page.has_next else "",
    }
    return render(request, "hotline/queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_may_log(user)
    form = ContactForm(request.POST or None, organisations=_log_orgs(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_log(
                by=user, organisation=form.cleaned_data["organisation"], data=form.fields_data()
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The contact is logged."))
            return redirect("hotline:contact", contact_id=contact.pk)
    return render(request, "hotline/contact_form.html", {"form": form})


@login_required
@require_GET
def contact_detail(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    user = request.user
    contact = access.get_contact_for(user, contact_id)
    earlier = earlier_contacts(user, contact)
    audit_contacts_read(user, [contact], page="contact")
    may_log = access.may_log_in(user, contact.organisation_id)
    context = {
        "contact": contact,
        "earlier": earlier,
        "may_log": may_log,
        "may_review": access.may_review(user, contact),
        "link_form": LinkCaseForm(),
        "tips": list(contact.tips.all()),
    }
    return render(request, "hotline/contact_detail.html", context)


@login_required
@require_POST
def contact_status(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_contact_for(request.user, contact_id)
    reopen = request.POST.get("action") == "reopen"
    contact_close(by=request.user, contact=contact, reopen=reopen)
    messages.success(request, _("The contact is open again.") if reopen else _("The contact is closed."))
    return redirect("hotline:contact", contact_id=contact.pk)


@login_required
@require_POST
def contact_review_view(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_contact_for(request.user, contact_id)
    contact_review(by=request.user, contact=contact)
    messages.success(request, _("The contact is marked as reviewed."))
    return redirect("hotline:contact", contact_id=contact.pk)


def _indicator_set(request: AuthenticatedHttpRequest) -> IndicatorSet | None:
    set_id = (request.GET.get("set") or "").strip()
    if not set_id:
        return None
    try:
        return get_set(set_id, whole_number(request.GET.get("version", "")))
    except LookupError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def contact_screening(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    """Screen from a contact: choose an indicator list, tick what the caller described, save."""
    user = request.user
    contact = access.get_contact_for(user, contact_id, write=True)
    if contact.screening_id is not None:
        return redirect("screening:detail", screening_id=contact.screening_id)
    indicator_set = _indicator_set(request)
    if indicator_set is None:
        sets = sorted(current_sets({contact.organisation.country}), key=lambda s: str(s.title))
        return render(request, "hotline/screening_choose.html", {"contact": contact, "sets": sets})
    form = ScreeningForm(request.POST or None, user=user, indicator_set=indicator_set, with_case=True)
    if request.method == "POST" and form.is_valid():
        try:
            contact_screen(
                by=user,
                contact=contact,
                indicator_set_id=indicator_set.id,
                observed=form.cleaned_data["observed"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The screening is saved with the contact."))
            return redirect("hotline:contact", contact_id=contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "indicator_set": indicator_set,
        "groups": checklist(indicator_set, form.observed_ids()),
    }
    return render(request, "hotline/screening_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_case(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    """Open a case from the contact (dated from it), or link the contact to a case the operator sees."""
    user = request.user
    contact = access.get_contact_for(user, contact_id, write=True)
    if contact.case_id is not None:
        return redirect("hotline:contact", contact_id=contact.pk)
    open_form = OpenCaseForm(request.POST if request.POST.get("action") == "open" else None, contact=contact)
    link_form = LinkCaseForm(request.POST if request.POST.get("action") == "link" else None)
    if request.method == "POST":
        try:
            if open_form.is_bound and open_form.is_valid():
                case = contact_open_case(
                    by=user,
                    contact=contact,
                    municipality=open_form.cleaned_data["municipality"],
                    person=open_form.person(),
                )
                messages.success(
                    request, _("The case %(ref)s is open, dated from the contact.") % {"ref": case.ref}
                )
                return redirect("hotline:contact", contact_id=contact.pk)
            if link_form.is_bound and link_form.is_valid():
                case = contact_link_case(
                    by=user, contact=contact, case_ref=link_form.cleaned_data["case_ref"]
                )
                messages.success(request, _("The contact is linked to the case %(ref)s.") % {"ref": case.ref})
                return redirect("hotline:contact", contact_id=contact.pk)
        except ValidationError as exc:
            validation_error_to_form(open_form if open_form.is_bound else link_form, exc)
    context = {"contact": contact, "open_form": open_form, "link_form": link_form}
    return render(request, "hotline/contact_case.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_refer_view(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    """Refer the contact's case to a service, with the scope the person agreed to."""
    user = request.user
    contact = access.get_contact_for(user, contact_id, write=True)
    if contact.case_id is None:
        messages.info(request, _("Open a case from the contact first: a referral sends part of a case."))
        return redirect("hotline:contact", contact_id=contact.pk)
    form = ReferForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = contact_refer(
                by=user,
                contact=contact,
                service=data["service"],
                scope=data["scope"],
                message=data["message"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc, prefix_map={"basis": "__all__", "consent": "__all__"})
        else:
            messages.success(request, _("The referral is sent."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(request, "hotline/contact_refer.html", {"contact": contact, "form": form})


# --- tips ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def tip_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    rows = tips_page(user)
    if not rows and not access.may_see_tips(user):
        raise NotAllowed
    if rows:
        orgs = {t.organisation_id for t in rows}
        audit_read(
            actor=user,
            object_type="hotline_tip",
            object_ref="",
            organisation_id=orgs.pop() if len(orgs) == 1 else None,
            details={"page": "tips", "ids": [t.pk for t in rows]},
        )
    context = {"rows": rows, "may_log": bool(access.log_org_ids(user))}
    return render(request, "hotline/tips.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tip_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_may_log(user)
    form = TipForm(request.POST or None, organisations=_log_orgs(request))
    if request.method == "POST" and form.is_valid():
        try:
            tip = tip_create(by=user, organisation=form.cleaned_data["organisation"], data=form.fields_data())
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The tip is recorded."))
            return redirect("hotline:tip", tip_id=tip.pk)
    return render(request, "hotline/tip_form.html", {"form": form})


@login_required
@require_GET
def tip_detail(request: AuthenticatedHttpRequest, tip_id: int) -> HttpResponse:
    user = request.user
    tip = access.get_tip_for(user, tip_id)
    audit_read(actor=user, object_type="hotline_tip", object_ref=tip.pk, organisation_id=tip.organisation_id)
    may_log = access.may_log_in(user, tip.organisation_id)
    context = {
        "tip": tip,
        "group": tip_group_members(user, tip),
        "passings": list(tip.passings.select_related("service", "to_organisation", "passed_by")),
        "may_log": may_log,
        "group_form": TipGroupForm(),
        "pass_form": TipPassForm(user=user, country=tip.country) if may_log else None,
    }
    return render(request, "hotline/tip_detail.html", context)


@login_required
@require_POST
def tip_group_view(request: AuthenticatedHttpRequest, tip_id: int) -> HttpResponse:
    user = request.user
    tip = access.get_tip_for(user, tip_id, write=True)
    form = TipGroupForm(request.POST)
    other = whole_number(request.POST.get("with_tip", "")) if form.is_valid() else None
    try:
        if other is None:
            raise ValidationError(_("Give the number of a tip of your hotline."))
        try:
            with_tip = access.get_tip_for(user, other, write=True)
        except NotAllowed:
            raise ValidationError(_("Give the number of a tip of your hotline.")) from None
        tip_group(by=user, tip=tip, with_tip=with_tip)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The tip is grouped with the other tips about the same place."))
    return redirect("hotline:tip", tip_id=tip.pk)


@login_required
@require_POST
def tip_pass_view(request: AuthenticatedHttpRequest, tip_id: int) -> HttpResponse:
    user = request.user
    tip = access.get_tip_for(user, tip_id, write=True)
    form = TipPassForm(request.POST, user=user, country=tip.country)
    if not form.is_valid():
        messages.error(request, _("Choose the police or the labour inspectorate from the list."))
        return redirect("hotline:tip", tip_id=tip.pk)
    try:
        tip_pass(by=user, tip=tip, service=form.cleaned_data["service"], note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The tip is passed on."))
    return redirect("hotline:tip", tip_id=tip.pk)


# --- statistics and the public pages' text ---------------------------------------------------------------


@login_required
@require_GET
def stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.check_hotline_stats(request.user)
    dimension = request.GET.get("by", "channel")
    if dimension not in DIMENSIONS:
        dimension = "channel"
    country = (request.GET.get("country") or "").upper()
    country = country if is_country(country) else ""
    year = whole_number(request.GET.get("year", ""))
    rows, total = hotline_table(dimension=dimension, country=country, year=year)
    context = {
        "rows": rows,
        "total": total,
        "dimension": dimension,
        "dimension_label": DIMENSIONS[dimension],
        "dimensions": DIMENSIONS,
        "country": country,
        "countries": sorted(countries().items(), key=lambda kv: kv[1]),
        "year": year or "",
        "threshold": settings.STROM_STATS_THRESHOLD,
    }
    return render(request, "hotline/stats.html", context)


@login_required
@require_GET
def rights_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    mine = access.rights_countries(user)
    if not mine:
        raise NotAllowed
    kept = RightsPage.objects.filter(country__in=mine).prefetch_related("translations")
    pages = {page.country: page for page in kept}
    titles = {
        (country, row.language_code): row.title
        for country, page in pages.items()
        for row in page.translations.all()
    }
    names = countries()
    rows = [
        {
            "country": c,
            "name": names.get(c, c),
            "language": code,
            "language_name": name,
            "title": titles.get((c, code), ""),
            "original": c in pages and pages[c].original_language == code,
        }
        for c in sorted(mine)
        for code, name in settings.LANGUAGES
    ]
    return render(
        request, "hotline/rights_list.html", {"rows": rows, "public": settings.STROM_HOTLINE_PUBLIC}
    )


def _rights_texts(page: RightsPage | None, language: str) -> dict[str, Any]:
    """The page's title, text and version in `language`, if it is written in it."""
    if page is None or not page.has_translation(language):
        return {}
    page.set_current_language(language)
    return {"title": page.title, "body": page.body, "version": page.version}


@login_required
@require_http_methods(["GET", "POST"])
def rights_edit(request: AuthenticatedHttpRequest, country: str, language: str) -> HttpResponse:
    """One language's text of the country's page; the text in the page's original language beside it."""
    user = request.user
    country = country.upper()
    if language not in dict(settings.LANGUAGES):
        raise NotAllowed
    access.check_may_edit_rights(user, country)
    page = RightsPage.objects.filter(country=country).first()
    initial = _rights_texts(page, language) or {"version": 0}
    form = RightsPageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rights_page_save(
                by=user,
                country=country,
                language=language,
                title=data["title"],
                body=data["body"],
                version=data.get("version"),
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The page is saved."))
            return redirect("hotline:rights")
    original = page.original_language if page is not None else language
    context = {
        "form": form,
        "country": country,
        "country_name": countries().get(country, country),
        "language": language,
        "language_name": region_language_name(language),
        "original_language": original,
        "original_name": region_language_name(original),
        # The original beside the form, when this language is not the original.
        "original": _rights_texts(page, original) if original != language else {},
        "languages": settings.LANGUAGES,
    }
    return render(request, "hotline/rights_edit.html", context)


# --- who receives the public front door's messages ------------------------------------------------------


def _recipient_rows(
    user: User, bound: PublicRecipientForm | None = None, bound_country: str = ""
) -> list[dict[str, Any]]:
    """For each country whose public pages the user keeps: the choice, who receives the messages now,
    and the form to change it (`bound` for the country whose choice was just refused)."""
    mine = sorted(access.rights_countries(user))
    chosen = {
        r.country: r for r in PublicRecipient.objects.filter(country__in=mine).select_related("organisation")
    }
    names = countries()
    rows = []
    for country in mine:
        choice = chosen.get(country)
        receiver = hotline_of(country)
        rows.append(
            {
                "country": country,
                "name": names.get(country, country),
                "chosen": choice.organisation if choice is not None else None,
                "receiver": receiver,
                # A choice that no longer receives: the hotline was closed, the first active one stands in.
                "chosen_inactive": choice is not None
                and (receiver is None or receiver.pk != choice.organisation_id),
                "form": bound
                if bound is not None and country == bound_country
                else PublicRecipientForm(country=country, chosen=choice.organisation_id if choice else None),
            }
        )
    return rows


@login_required
@require_GET
def public_recipients(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_may_edit_rights(user)
    context = {"rows": _recipient_rows(user), "public": settings.STROM_HOTLINE_PUBLIC}
    return render(request, "hotline/public_recipients.html", context)


@login_required
@require_POST
def public_recipient_choose_view(request: AuthenticatedHttpRequest, country: str) -> HttpResponse:
    user = request.user
    country = country.upper()
    access.check_may_edit_rights(user, country)
    form = PublicRecipientForm(request.POST, country=country)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            public_recipient_choose(by=user, country=country, organisation=organisation)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            name = countries().get(country, country)
            if organisation is None:
                messages.success(
                    request,
                    _("%(country)s: the country's first active hotline receives the public messages.")
                    % {"country": name},
                )
            else:
                messages.success(
                    request,
                    _("%(country)s: %(hotline)s receives the public messages.")
                    % {"country": name, "hotline": organisation.name},
                )
            return redirect("hotline:public_recipients")
    context = {"rows": _recipient_rows(user, form, country), "public": settings.STROM_HOTLINE_PUBLIC}
    return render(request, "hotline/public_recipients.html", context, status=400)
