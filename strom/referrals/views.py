"""Pages for referrals: inbox and outbox, making and sending one, the receiver's scoped view and
answers, and the person's disclosure record."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.audit.services import audit_read
from strom.cases import access as case_access
from strom.cases.models import Case
from strom.core.collation import collated
from strom.core.downloads import document_response
from strom.core.errors import NotAllowed
from strom.core.forms import validation_error_to_form
from strom.core.numbers import whole_number
from strom.core.roles import Perm
from strom.directory.models import Organisation
from strom.network.access import get_service_for
from strom.network.models import NetworkService
from strom.network.selectors import service_accepts, service_covers
from strom.referrals import access, services
from strom.referrals import review as referral_review
from strom.referrals.forms import CompleteForm, DraftForm, ReasonForm, ReferralForm, SendForm
from strom.referrals.models import Kind, Referral, Section, State, Urgency
from strom.referrals.selectors import (
    disclosure_record,
    inbox_for,
    outbox_for,
    shared_sections,
    summary_rows,
)

PER_PAGE = 25
PRINT_LANGUAGES = ("en", "lv", "ru")


def _posted(request: HttpRequest) -> Any:
    """The POST data even when empty: a form of optional fields sent blank is still a submission."""
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_referral_pages(user)
    may_receive = user.has_any(Perm.REFERRAL_RESPOND)
    box = request.GET.get("box") or ("received" if may_receive else "sent")
    if box not in ("received", "sent"):
        box = "sent"
    state = request.GET.get("state", "open")
    if state not in ("", "open", *State.values):
        state = "open"
    urgency = request.GET.get("urgency", "")
    if urgency not in Urgency.values:
        urgency = ""
    select = inbox_for if box == "received" else outbox_for
    page = Paginator(select(user, state=state, urgency=urgency), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "box": box,
        "state": state,
        "states": State.choices,
        "urgency": urgency,
        "urgencies": Urgency.choices,
        "query": urlencode({"box": box, "state": state, "urgency": urgency}),
        "page": page,
        "may_receive": may_receive,
        "now": timezone.now(),
    }
    return render(request, "referrals/list.html", context)


def _case_from_query(user: User, raw: str) -> Case | None:
    if not raw:
        return None
    case = case_access.get_case_for(user, raw)
    if not access.may_send_from(user, case):
        raise Http404
    return case


def _create_from_form(
    request: AuthenticatedHttpRequest,
    form: ReferralForm,
    *,
    case: Case | None,
    service: NetworkService | None,
    transfer: bool,
) -> Referral | None:
    """Save the valid form as a draft or send it; None with the problems on the form."""
    user = request.user
    data = form.cleaned_data
    target_case = case
    if target_case is None:
        try:
            target_case = _case_from_query(user, data["case_ref"])
        except NotAllowed:
            form.add_error("case_ref", _("No case with this reference that you may refer was found."))
    if target_case is not None:
        send = "send" in request.POST
        try:
            # Sent at once, all or nothing: a refused send leaves no draft behind.
            with transaction.atomic():
                referral = services.referral_create(
                    by=user,
                    case=target_case,
                    service=service,
                    to_organisation=data.get("to_organisation"),
                    kind=Kind.TRANSFER if transfer else Kind.REFERRAL,
                    municipality=data.get("municipality"),
                    scope=data.get("scope", []),
                    urgency=data["urgency"],
                    message=data["message"],
                    override=bool(data.get("override")),
                    override_reason=data.get("override_reason", ""),
                )
                if send:
                    services.referral_send(
                        by=user,
                        referral=referral,
                        override=bool(data.get("override")),
                        override_reason=data.get("override_reason", ""),
                    )
        except ValidationError as exc:
            # The page then leads to where the person's answer is recorded: no dead end.
            form.consent_missing = "basis" in getattr(exc, "error_dict", {})  # type: ignore[attr-defined]
            validation_error_to_form(
                form, exc, prefix_map={"basis": "__all__", "kind": "__all__", "service": "__all__"}
            )
        else:
            messages.success(request, _("The referral is sent.") if send else _("The draft is saved."))
            return referral
    return None


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A referral to a service (?service=ID, from the network) or a transfer (?kind=transfer) of a case."""
    user = request.user
    if not user.has_any(Perm.REFERRAL_SEND):
        raise Http404
    transfer = request.GET.get("kind") == Kind.TRANSFER
    service = None
    if not transfer:
        service_id = whole_number(request.GET.get("service", ""))
        if service_id is None:
            raise Http404
        service = get_service_for(user, service_id)
    case = _case_from_query(user, request.GET.get("case", ""))
    if transfer and case is None:
        raise Http404
    organisations = None
    if transfer and case is not None:
        organisations = (
            Organisation.objects.filter(is_active=True, country=case.country)
            .exclude(pk=case.organisation_id)
            .select_related("municipality")
            .order_by(collated("name"), "pk")
        )
    may_override = (case is not None and access.may_override(user, case)) or (
        case is None and user.has_any(Perm.REFERRAL_OVERRIDE)
    )
    form = ReferralForm(
        _posted(request),
        ask_case=case is None,
        transfer=transfer,
        may_override=may_override,
        organisations=organisations,
    )
    review = None
    if request.method == "POST" and form.is_valid():
        review = _new_review(form, case=case, service=service, transfer=transfer)
        if "send" not in request.POST or referral_review.reviewed(request.POST.get("reviewed"), review):
            referral = _create_from_form(request, form, case=case, service=service, transfer=transfer)
            if referral is not None:
                return redirect("referrals:detail", referral_uuid=referral.uuid)
            review = None
    fit: dict[str, Any] = {}
    if service is not None and case is not None:
        fit = {
            "covers": service_covers(service, case.municipality),
            "accepts": service_accepts(service, child=case.is_child),
        }
    context = {
        "form": form,
        "service": service,
        "case": case,
        "transfer": transfer,
        "fit": fit,
        "review": review,
    }
    return render(request, "referrals/new.html", context)


def _receiver_name(service: NetworkService | None, organisation: Organisation | None) -> str:
    if service is not None:
        return f"{service.name} ({service.organisation.name})"
    return organisation.name if organisation is not None else ""


def _new_review(
    form: ReferralForm, *, case: Case | None, service: NetworkService | None, transfer: bool
) -> referral_review.Review:
    """What the sender checks before a new referral or transfer goes out."""
    data = form.cleaned_data
    organisation = data.get("to_organisation")
    scope = None if transfer else sorted(data.get("scope", []))
    values = {
        "case": case.ref if case is not None else data.get("case_ref", ""),
        "service": service.pk if service is not None else None,
        "to": organisation.pk if organisation is not None else None,
        "scope": scope,
        "urgency": data["urgency"],
        "message": data["message"],
        "municipality": data["municipality"].pk if data.get("municipality") else None,
        "override": bool(data.get("override")),
        "override_reason": data.get("override_reason", ""),
    }
    return referral_review.review(
        receiver=_receiver_name(service, organisation), scope=scope, message=data["message"], values=values
    )


def _draft_review(referral: Referral) -> referral_review.Review:
    scope = None if referral.is_transfer else sorted(referral.scope)
    values = {"referral": str(referral.uuid), "version": referral.version, "scope": scope}
    return referral_review.review(
        receiver=_receiver_name(referral.service, referral.to_organisation),
        scope=scope,
        message=referral.message,
        values=values,
    )


def _detail_context(user: User, referral: Referral) -> dict[str, Any]:
    sender = access.is_sender(user, referral)
    scope = access.receiver_scope(user, referral)
    receiver = access.is_receiver(user, referral)
    return {
        "referral": referral,
        "as_sender": sender,
        "as_receiver": receiver,
        # The sender's view may name the case; the receiver's never does.
        "case_visible": (sender and referral.case.organisation_id in user.org_ids_with(Perm.CASE_VIEW))
        or (sender and referral.case.owner_id == user.pk),
        "scope": scope,
        "sections": shared_sections(user, referral),
        "summary": summary_rows(referral),
        "scope_labels": referral.scope_labels(),
        "changes": referral.changes.select_related("by"),
        "may_manage": access.may_manage(user, referral),
        "may_respond": access.may_respond(user, referral),
        "may_override": access.may_override(user, referral.case),
        "basis_holds": access.basis_holds(referral) if referral.state != State.DRAFT else True,
        "send_form": SendForm(may_override=access.may_override(user, referral.case)),
        "now": timezone.now(),
    }


def _audit_view(user: User, referral: Referral, scope: frozenset[str], *, printed: bool = False) -> None:
    if scope:
        audit_read(
            actor=user,
            object_type="referral",
            object_ref=str(referral.uuid),
            organisation_id=referral.to_organisation_id,
            details={"sections": sorted(scope), "print": printed},
        )


@login_required
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    context = _detail_context(user, referral)
    _audit_view(user, referral, context["scope"])
    return render(request, "referrals/detail.html", context)


@login_required
@require_GET
def referral_print(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    """The receiver's printable copy of what was shared (the scope only)."""
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    scope = access.receiver_scope(user, referral)
    if not scope:
        raise Http404
    _audit_view(user, referral, scope, printed=True)
    context = {
        "referral": referral,
        "sections": shared_sections(user, referral),
        "summary": summary_rows(referral),
        "printed_at": timezone.now(),
    }
    return render(request, "referrals/print.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    if not access.may_manage(user, referral) or referral.state != State.DRAFT:
        raise Http404
    initial = {
        "municipality": referral.municipality,
        "scope": referral.scope,
        "urgency": referral.urgency,
        "message": referral.message,
        "version": referral.version,
    }
    form = DraftForm(_posted(request), initial=initial)
    if referral.is_transfer:
        del form.fields["scope"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_update(
                by=user,
                referral=referral,
                version=data["version"],
                scope=data.get("scope"),
                urgency=data["urgency"],
                message=data["message"],
                municipality=data["municipality"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(request, "referrals/edit.html", {"form": form, "referral": referral})


@login_required
@require_POST
def referral_send(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    if not access.may_manage(user, referral):
        raise Http404
    form = SendForm(request.POST, may_override=access.may_override(user, referral.case))
    form.is_valid()
    data = form.cleaned_data
    review = _draft_review(referral)
    if not referral_review.reviewed(request.POST.get("reviewed"), review):
        context = {**_detail_context(user, referral), "send_form": form, "review": review}
        return render(request, "referrals/review.html", context)
    try:
        services.referral_send(
            by=user,
            referral=referral,
            override=bool(data.get("override")),
            override_reason=data.get("override_reason", ""),
        )
    except ValidationError as exc:
        referral.refresh_from_db()
        context = _detail_context(user, referral)
        validation_error_to_form(
            form,
            exc,
            prefix_map={
                "basis": "__all__",
                "scope": "__all__",
                "municipality": "__all__",
                "service": "__all__",
            },
        )
        context["send_form"] = form
        return render(request, "referrals/detail.html", context, status=422)
    messages.success(request, _("The referral is sent."))
    return redirect("referrals:detail", referral_uuid=referral.uuid)


def _reason_action(
    request: AuthenticatedHttpRequest,
    referral_uuid: str,
    *,
    allowed: Any,
    action: Any,
    required: bool,
    label: str,
    title: str,
    button: str,
    done: str,
) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    if not allowed(user, referral):
        raise Http404
    form = ReasonForm(_posted(request), required=required, label=label)
    if request.method == "POST" and form.is_valid():
        try:
            action(by=user, referral=referral, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    context = {"form": form, "referral": referral, "title": title, "button": button}
    return render(request, "referrals/reason_form.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def referral_withdraw(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    return _reason_action(
        request,
        referral_uuid,
        allowed=access.may_manage,
        action=services.referral_withdraw,
        required=False,
        label=_("Why the referral is withdrawn (optional)"),
        title=_("Withdraw the referral"),
        button=_("Withdraw"),
        done=_("The referral is withdrawn. The receiver can no longer see the case."),
    )


@login_required
@require_POST
def referral_discard(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    if not access.may_manage(user, referral):
        raise Http404
    try:
        services.referral_discard(by=user, referral=referral)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    messages.success(request, _("The draft is discarded. It was never sent to anyone."))
    return redirect("cases:detail", ref=referral.case.ref)


@login_required
@require_http_methods(["GET", "POST"])
def referral_decline(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    return _reason_action(
        request,
        referral_uuid,
        allowed=access.may_respond,
        action=services.referral_decline,
        required=True,
        label=_("Why you decline"),
        title=_("Decline the referral"),
        button=_("Decline"),
        done=_("The referral is declined. The sender has been told."),
    )


def _simple_action(
    request: AuthenticatedHttpRequest, referral_uuid: str, action: Any, done: str
) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    if not access.may_respond(user, referral):
        raise Http404
    try:
        action(by=user, referral=referral)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("referrals:detail", referral_uuid=referral.uuid)


@login_required
@require_POST
def referral_accept(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    return _simple_action(request, referral_uuid, services.referral_accept, _("You accepted the referral."))


@login_required
@require_POST
def referral_start(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    return _simple_action(request, referral_uuid, services.referral_start, _("The service is under way."))


@login_required
@require_http_methods(["GET", "POST"])
def referral_complete(request: AuthenticatedHttpRequest, referral_uuid: str) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_uuid)
    if not access.may_respond(user, referral) or referral.is_transfer:
        raise Http404
    form = CompleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_complete(
                by=user,
                referral=referral,
                delivered_until=form.cleaned_data["delivered_until"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(
                request, _("The referral is completed. The sender's support plan records the service.")
            )
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(
        request,
        "referrals/complete.html",
        {"form": form, "referral": referral},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def referral_document(
    request: AuthenticatedHttpRequest, referral_uuid: str, document_uuid: str
) -> HttpResponse:
    """A document the receiver may download because the scope includes documents."""
    user = request.user
    referral, _scope = access.get_received_for(user, referral_uuid, Section.DOCUMENTS)
    document, data = services.referral_document_read(by=user, referral=referral, document_uuid=document_uuid)
    return document_response(data, document)


@login_required
@require_GET
def disclosures(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """What was shared about the person, with whom, when and on what basis; ?print=1&lang=lv to hand over."""
    user = request.user
    person = case_access.get_person_for(user, person_id)
    printable = request.GET.get("print") == "1"
    language = request.GET.get("lang", "")
    if language not in PRINT_LANGUAGES:
        language = translation.get_language() or "en"
    audit_read(
        actor=user,
        object_type="person",
        object_ref=person.pk,
        organisation_id=person.organisation_id,
        details={"section": "disclosures", "print": printable},
    )
    template = "referrals/disclosures_print.html" if printable else "referrals/disclosures.html"
    with translation.override(language if printable else translation.get_language()):
        context = {
            "person": person,
            "entries": disclosure_record(user, person),
            "languages": [(code, name) for code, name in _language_names() if code in PRINT_LANGUAGES],
            "print_language": language,
            "printed_at": timezone.now(),
        }
        # Rendered here, inside the override: the printable copy is in the person's language.
        return render(request, template, context)


def _language_names() -> list[tuple[str, str]]:
    from django.conf import settings

    return [(code, str(name)) for code, name in settings.LANGUAGES]
