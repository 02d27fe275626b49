"""Pages for transnational referral: partners (system admins), the focal point's inbox and outbox,
sending from a case, a referral with its states and messages, answering it and its return plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.audit.services import audit_read
from strom.cases import access as case_access
from strom.core.errors import NotAllowed
from strom.core.forms import validation_error_to_form
from strom.core.numbers import whole_number
from strom.referrals.models import Section
from strom.transnational import access, selectors, services, services_messages
from strom.transnational.forms import (
    AcceptForm,
    AgreeForm,
    CompleteForm,
    PartnerForm,
    ReasonForm,
    ReturnPlanForm,
    SendForm,
)
from strom.transnational.keys import instance_keys
from strom.transnational.models import Direction, Partner, PlanState, State, TransnationalReferral

if TYPE_CHECKING:
    from strom.accounts.models import User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _check_focal_point(request: AuthenticatedHttpRequest) -> None:
    if not access.focal_point_org_ids(request.user):
        raise NotAllowed


@login_required
@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The focal point's inbox (received from partners) and outbox (sent to them)."""
    _check_focal_point(request)
    user = request.user
    incoming = list(selectors.referrals_for(user, direction=Direction.INCOMING)[:100])
    outgoing = list(selectors.referrals_for(user, direction=Direction.OUTGOING)[:100])
    audit_read(actor=user, object_type="transnational_referral", object_ref="list", organisation_id=None)
    return render(request, "transnational/list.html", {"incoming": incoming, "outgoing": outgoing})


@login_required
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_id)
    audit_read(
        actor=user,
        object_type="transnational_referral",
        object_ref=str(referral.uuid),
        organisation_id=referral.organisation_id,
    )
    acting = referral.organisation_id in access.focal_point_org_ids(user)
    plan = selectors.return_plan_of(referral)
    context = {
        "referral": referral,
        "changes": selectors.change_rows(referral),
        "sections": [] if referral.is_outgoing else selectors.received_sections(referral),
        "messages_sent": selectors.outbox_of(user, referral),
        "plan": plan,
        "scope_labels": [str(label) for value, label in Section.choices if value in referral.scope],
        "content_shown": selectors.content_shown(referral),
        "may_answer": acting and not referral.is_outgoing and referral.state == State.DELIVERED,
        "may_withdraw": acting and referral.is_outgoing and referral.is_open,
        "may_complete": acting and not referral.is_outgoing and referral.state == State.ACCEPTED,
        "may_plan": acting and referral.state == State.ACCEPTED and "return" in referral.measures,
        "may_agree": acting
        and plan is not None
        and plan.state == PlanState.PROPOSED
        and plan.proposed_remotely,
        "accept_form": AcceptForm(),
    }
    return render(request, "transnational/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_send(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = case_access.get_case_for(user, ref, write=True)
    if not access.may_send_from(user, case):
        raise NotAllowed
    form = SendForm(_posted(request), organisation_id=case.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                by=user,
                case=case,
                partner=data["partner"],
                measures=data["measures"],
                scope=data["scope"],
                message=data["message"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(
                request, _("The referral is queued and goes to the partner at the next delivery.")
            )
            return redirect("transnational:detail", referral_id=referral.pk)
    return render(request, "transnational/send.html", {"case": case, "form": form})


@login_required
@require_POST
def referral_accept(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_id, write=True)
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        services.referral_accept(
            by=user, referral=referral, open_case=bool(form.cleaned_data.get("open_case"))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You accepted the referral. The partner is told."))
    return redirect("transnational:detail", referral_id=referral.pk)


def _state_change(
    request: AuthenticatedHttpRequest,
    referral_id: int,
    *,
    form_class: type[forms.Form],
    act: Callable[[User, TransnationalReferral, dict[str, Any]], object],
    done: str,
    template: str,
) -> HttpResponse:
    """A focal point's answer that needs a short text (decline, withdraw, complete): the form, the
    service, its refusal shown on the form, and the partner told by the service's outbox message."""
    user = request.user
    referral = access.get_referral_for(user, referral_id, write=True)
    form = form_class(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            act(user, referral, form.cleaned_data)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("transnational:detail", referral_id=referral.pk)
    return render(request, template, {"referral": referral, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def referral_decline(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    return _state_change(
        request,
        referral_id,
        form_class=ReasonForm,
        act=lambda by, referral, data: services.referral_decline(
            by=by, referral=referral, reason=data["reason"]
        ),
        done=_("You declined the referral. The partner is told."),
        template="transnational/decline.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_withdraw(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """The sender's focal point withdraws a referral still open, with a reason the partner is told."""
    return _state_change(
        request,
        referral_id,
        form_class=ReasonForm,
        act=lambda by, referral, data: services.referral_withdraw(
            by=by, referral=referral, reason=data["reason"]
        ),
        done=_("You withdrew the referral. The partner is told."),
        template="transnational/withdraw.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_complete(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """The receiver's focal point marks an accepted referral completed, with a note for the partner."""
    return _state_change(
        request,
        referral_id,
        form_class=CompleteForm,
        act=lambda by, referral, data: services.referral_complete(
            by=by, referral=referral, note=data["note"]
        ),
        done=_("You marked the referral completed. The partner is told."),
        template="transnational/complete.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_plan(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """Propose the return's terms (or new terms); the partner agrees to them in its instance."""
    user = request.user
    referral = access.get_referral_for(user, referral_id, write=True)
    form = ReturnPlanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.return_plan_propose(
                by=user,
                referral=referral,
                handover_on=data["handover_on"],
                receiving_organisation=data["receiving_organisation"],
                follow_up=data["follow_up"],
                follow_up_on=data["follow_up_on"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The return plan is proposed to the partner."))
            return redirect("transnational:detail", referral_id=referral.pk)
    return render(request, "transnational/return_plan.html", {"referral": referral, "form": form})


@login_required
@require_POST
def return_plan_agree(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = access.get_referral_for(user, referral_id, write=True)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Read the proposal again and agree from its page."))
        return redirect("transnational:detail", referral_id=referral.pk)
    try:
        services.return_plan_agree(by=user, referral=referral, version=form.cleaned_data["version"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You agreed to the return plan. Reminders are set on the case."))
    return redirect("transnational:detail", referral_id=referral.pk)


@login_required
@require_POST
def person_check(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    """Ask a partner whether it already holds the case's person (keyed encodings only; yes or no)."""
    user = request.user
    case = case_access.get_case_for(user, ref, write=True)
    if not access.may_send_from(user, case):
        raise NotAllowed
    partner = Partner.objects.filter(pk=whole_number(request.POST.get("partner", "")) or 0).first()
    if partner is None:
        messages.error(request, _("Choose a partner instance."))
        return redirect("cases:part", ref=case.ref, part="transnational")
    try:
        held = services_messages.person_check(by=user, case=case, partner=partner)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if held:
            messages.success(
                request, _("%(partner)s holds a record of this person.") % {"partner": partner.name}
            )
        else:
            messages.success(
                request, _("%(partner)s holds no record of this person.") % {"partner": partner.name}
            )
    return redirect("cases:part", ref=case.ref, part="transnational")


# --- partners (system admins) ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_manage_partners(user)
    form = PartnerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_add(
                by=user,
                name=data["name"],
                country=data["country"],
                url=data["url"],
                signing_thumbprint=data["signing_thumbprint"],
                encryption_thumbprint=data["encryption_thumbprint"],
                organisation=data["organisation"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The partner is added. It becomes active once it confirms."))
            return redirect("transnational:partner", partner_id=partner.pk)
    keys = instance_keys()
    context = {
        "partners": list(Partner.objects.select_related("organisation")),
        "form": form,
        "signing_thumbprint": keys.signing.current,
        "encryption_thumbprint": keys.encryption.current,
    }
    return render(request, "transnational/partners.html", context)


@login_required
@require_GET
def partner_detail(request: AuthenticatedHttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for(request.user, partner_id)
    context = {"partner": partner, "queue": selectors.partner_queue(partner), "form": ReasonForm()}
    return render(request, "transnational/partner.html", context)


@login_required
@require_POST
def partner_suspend(request: AuthenticatedHttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for(request.user, partner_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.partner_suspend(by=request.user, partner=partner, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The partner is suspended."))
    else:
        messages.error(request, _("Say why the partner is suspended."))
    return redirect("transnational:partner", partner_id=partner.pk)


@login_required
@require_POST
def partner_resume(request: AuthenticatedHttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for(request.user, partner_id)
    try:
        services.partner_resume(by=request.user, partner=partner)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The partner is active again; waiting messages go at the next delivery."))
    return redirect("transnational:partner", partner_id=partner.pk)
