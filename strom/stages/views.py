"""Pages for the chain of assistance on a case (stage panel, decisions, periods, permits,
proceedings, return plans, tasks), my tasks and an organisation's overdue tasks.

Every page reaches the case through get_case_for (404 for missing and forbidden alike); writes go
through strom/stages/services.py. The case page includes the two partials
stages/_stage_panel.html and stages/_tasks.html (their context contract is at the top
of each template).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.accounts.selectors import notifications_unread_count
from strom.cases import access
from strom.cases.choices import Stage
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.services import EditConflict
from strom.core.forms import form_saved
from strom.core.htmx import render_htmx
from strom.core.registry import case_closed_notices
from strom.stages import access as stage_access
from strom.stages import clocks, stages
from strom.stages import selectors as sel
from strom.stages import services as svc
from strom.stages import services_requests as req_svc
from strom.stages.closing import closing_warnings
from strom.stages.forms import (
    AssignForm,
    DecisionForm,
    DecisionRequestForm,
    DeclineRequestForm,
    ExtensionForm,
    PermitForm,
    ProceedingForm,
    RenewalForm,
    ReturnPlanForm,
    StageChangeForm,
    TaskForm,
)
from strom.stages.models import DecisionKind


def _stages_url(case: Case) -> str:
    return reverse("cases:stages", kwargs={"ref": case.ref})


def _form_page(
    request: HttpRequest, case: Case, form: forms.Form, title: str, *, status: int = 200, intro: str = ""
) -> HttpResponse:
    context = {"case": case, "form": form, "title": title, "intro": intro, "back": _stages_url(case)}
    return render(request, "stages/form.html", context, status=status)


def _visible_colleagues(case: Case) -> list[tuple[str, str]]:
    """People a task on this case may be assigned to: those who can see the case."""
    candidates = User.objects.filter(
        is_active=True, memberships__organisation_id=case.organisation_id, memberships__is_active=True
    ).distinct()
    return [
        (str(u.pk), u.get_full_name())
        for u in candidates
        if Case.objects.visible_to(u).filter(pk=case.pk).exists()
    ]


# --- the stage page ------------------------------------------------------------------------------------


@login_required
@require_GET
def stage_page(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref)
    case_read_record(by=user, case=case)
    context = {**sel.stage_panel_context(user, case), **sel.tasks_context(user, case)}
    return render(request, "stages/page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_view(request: AuthenticatedHttpRequest, ref: str, kind: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    if kind not in DecisionKind.values or not access.can_decide(user, case):
        raise Http404
    form = DecisionForm(request.POST or None, initial={"version": case.version}, kind=kind)
    if kind == DecisionKind.FORMAL_IDENTIFICATION:
        del form.fields["start_reflection"]
    status = 200

    def record() -> None:
        data = form.cleaned_data
        svc.decision_record(
            by=user,
            case=case,
            kind=kind,
            outcome=data["outcome"],
            decided_at=data["decided_at"],
            version=data["version"],
            reason=data["reason"],
            decided_by_org_type=data["decided_by_org_type"] or None,
            start_reflection=bool(data.get("start_reflection")),
        )

    try:
        saved = form_saved(request, form, record, then=_stages_url(case), done=_("The decision is recorded."))
    except EditConflict:
        form.add_error(None, _("Someone else changed this case meanwhile. Reload the page and try again."))
        status, saved = 409, None
    if saved:
        return saved
    title = DecisionKind(kind).label
    return _form_page(request, case, form, str(title), status=status if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def stage_change_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    targets = [(s, Stage(s).label) for s in stages.next_stages(case.stage)]
    if not targets:
        raise Http404
    initial = {"version": case.version, "to_stage": request.GET.get("to", targets[0][0])}
    warnings = closing_warnings(case) if Stage.CLOSED in dict(targets) else []
    form = StageChangeForm(request.POST or None, initial=initial, targets=targets, closing_warnings=warnings)
    status = 200

    def change() -> None:
        data = form.cleaned_data
        svc.stage_change(
            by=user,
            case=case,
            to_stage=data["to_stage"],
            version=data["version"],
            reason=data["reason"],
            closure_reason=data["closure_reason"],
            closure_details=data["closure_details"],
        )
        messages.success(request, _("The case moved to “%(stage)s”.") % {"stage": Stage(case.stage).label})
        if case.closed_at is not None:
            _warn_on_close(request, case)

    try:
        saved = form_saved(request, form, change, then=_stages_url(case))
    except EditConflict:
        form.add_error(None, _("Someone else changed this case meanwhile. Reload the page and try again."))
        status, saved = 409, None
    if saved:
        return saved
    return _form_page(request, case, form, _("Move the case to another stage"), status=status)


def _warn_on_close(request: HttpRequest, case: Any) -> None:
    """Closing does not end what other apps keep going (a referral's receiver may still be providing
    the service): they register what to say (strom/core/registry.py)."""
    for notice in case_closed_notices(case):
        messages.warning(request, notice)


def _simple_form_view(
    request: AuthenticatedHttpRequest,
    ref: str,
    form_class: type[forms.Form],
    title: str,
    save: Any,
    success: str,
    *,
    initial: Any = None,
    obj: Any = None,
) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    target = obj(case) if callable(obj) else None
    form = form_class(request.POST or None, initial=initial(target) if callable(initial) else initial)
    saved = form_saved(
        request,
        form,
        lambda: save(user, case, target, form.cleaned_data),
        then=_stages_url(case),
        done=success,
    )
    if saved:
        return saved
    if target is not None:
        # The form shows the stored record (a permit, proceedings): a read of the case.
        case_read_record(by=user, case=case, section="stages")
    return _form_page(request, case, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def reflection_extend_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    def save(user: User, case: Case, _target: Any, data: dict[str, Any]) -> None:
        svc.reflection_extend(by=user, case=case, days=data["days"], reason=data["reason"])

    return _simple_form_view(
        request, ref, ExtensionForm, _("Extend the reflection and recovery period"), save,
        _("The reflection period is extended."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def return_plan_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    def save(user: User, case: Case, _target: Any, data: dict[str, Any]) -> None:
        svc.return_plan_record(by=user, case=case, **data)

    return _simple_form_view(
        request, ref, ReturnPlanForm, _("Plan return, reintegration or local integration"), save,
        _("The plan is recorded."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def permit_create_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    def save(user: User, case: Case, _target: Any, data: dict[str, Any]) -> None:
        svc.permit_record(by=user, case=case, **data)

    return _simple_form_view(
        request, ref, PermitForm, _("Record a residence permit"), save, _("The residence permit is recorded.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def permit_edit_view(request: AuthenticatedHttpRequest, ref: str, permit_id: int) -> HttpResponse:
    def save(user: User, case: Case, permit: Any, data: dict[str, Any]) -> None:
        svc.permit_update(by=user, permit=permit, **data)

    return _simple_form_view(
        request, ref, PermitForm, _("Edit the residence permit"), save, _("The residence permit is saved."),
        obj=lambda case: stage_access.get_permit_for(request.user, case, permit_id),
        initial=lambda p: {f: getattr(p, f) for f in svc.PERMIT_FIELDS},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def permit_renew_view(request: AuthenticatedHttpRequest, ref: str, permit_id: int) -> HttpResponse:
    def save(user: User, case: Case, permit: Any, data: dict[str, Any]) -> None:
        svc.permit_renew(by=user, permit=permit, **data)

    return _simple_form_view(
        request, ref, RenewalForm, _("Renew the residence permit"), save, _("The renewal is recorded."),
        obj=lambda case: stage_access.get_permit_for(request.user, case, permit_id),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_create_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    def save(user: User, case: Case, _target: Any, data: dict[str, Any]) -> None:
        svc.proceeding_record(by=user, case=case, **data)

    return _simple_form_view(
        request, ref, ProceedingForm, _("Record proceedings"), save, _("The proceedings are recorded.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_edit_view(request: AuthenticatedHttpRequest, ref: str, proceeding_id: int) -> HttpResponse:
    def save(user: User, case: Case, proceeding: Any, data: dict[str, Any]) -> None:
        svc.proceeding_update(by=user, proceeding=proceeding, **data)

    return _simple_form_view(
        request, ref, ProceedingForm, _("Edit the proceedings"), save, _("The proceedings are saved."),
        obj=lambda case: stage_access.get_proceeding_for(request.user, case, proceeding_id),
        initial=lambda p: {f: getattr(p, f) for f in svc.PROCEEDING_FIELDS},
    )  # fmt: skip


# --- tasks ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def tasks_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref)
    case_read_record(by=user, case=case, section="tasks")
    return render_htmx(request, "stages/tasks_page.html", "stages/_tasks.html", sel.tasks_context(user, case))


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    form = TaskForm(request.POST or None, assignees=_visible_colleagues(case))

    def create() -> None:
        data = form.cleaned_data
        assignee = User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
        svc.task_create(
            by=user, case=case, title_key=data["title_key"], due_date=data["due_date"], assignee=assignee
        )

    saved = form_saved(request, form, create, then=_stages_url(case), done=_("The task is added."))
    return saved or _form_page(request, case, form, _("Add a task"))


@login_required
@require_http_methods(["GET", "POST"])
def task_assign_view(request: AuthenticatedHttpRequest, ref: str, task_id: int) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    task = stage_access.get_task_for(user, case, task_id)
    # A decision's task goes only to someone who may record it.
    if task.kind in clocks.DECISION_TASK_KINDS:
        assignees = [(str(u.pk), u.get_full_name()) for u in sel.deciders(case)]
    else:
        assignees = _visible_colleagues(case)
    form = AssignForm(request.POST or None, assignees=assignees, initial={"assignee": task.assignee_id})
    saved = form_saved(
        request,
        form,
        lambda: svc.task_assign(
            by=user, task=task, assignee=User.objects.get(pk=form.cleaned_data["assignee"])
        ),
        then=_stages_url(case),
        done=_("The task is assigned."),
    )
    if saved:
        return saved
    case_read_record(by=user, case=case, section="tasks")
    return _form_page(request, case, form, _("Assign the task: %(title)s") % {"title": task.title})


TASK_ACTIONS = {"complete": svc.task_complete, "reopen": svc.task_reopen, "cancel": svc.task_cancel}


@login_required
@require_POST
def task_action_view(request: AuthenticatedHttpRequest, ref: str, task_id: int, action: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    task = stage_access.get_task_for(user, case, task_id)
    if action not in TASK_ACTIONS:
        raise Http404
    status = 200
    try:
        TASK_ACTIONS[action](by=user, task=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        status = 422
    context = sel.tasks_context(user, case)
    if request.headers.get("HX-Request"):
        return render(request, "stages/_tasks.html", context, status=status)
    return redirect(_stages_url(case))


# --- my tasks, an organisation's overdue tasks, notifications ---------------------------------------


@login_required
@require_GET
def overdue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    tasks = sel.my_tasks(user)
    today = timezone.localdate()
    orgs = [
        m.organisation for m in user.active_memberships() if m.organisation_id in sel.supervised_org_ids(user)
    ]
    context = {
        "overdue": [t for t in tasks if t.due_date < today],
        "due_soon": [t for t in tasks if t.due_date >= today],
        "supervised": orgs,
        "unread": notifications_unread_count(user),
        "today": today,
    }
    return render(request, "stages/overdue.html", context)


@login_required
@require_GET
def overdue_org_view(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    from itertools import groupby

    from strom.directory.models import Organisation

    user = request.user
    tasks = sel.org_overdue(user, organisation_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    groups = [
        {"assignee": assignee, "tasks": list(items)}
        for assignee, items in groupby(tasks, key=lambda t: t.assignee)
    ]
    return render(
        request,
        "stages/overdue_org.html",
        {"organisation": organisation, "groups": groups, "count": len(tasks)},
    )


@login_required
@require_GET
def notifications_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The notifications moved to the centre in the header; old links and e-mails still lead there."""
    return redirect("accounts:notifications", permanent=True)


# --- asking for a decision ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_request_view(request: AuthenticatedHttpRequest, ref: str, kind: str) -> HttpResponse:
    """A case worker asks the organisation's deciders for the decision the case waits for. Someone who
    may decide is sent to the decision form instead."""
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    if kind not in DecisionKind.values:
        raise Http404
    if access.can_decide(user, case):
        return redirect("cases:decision", ref=case.ref, kind=kind)
    people = sel.deciders(case)
    form = DecisionRequestForm(request.POST or None, deciders=[(u.pk, u.get_full_name()) for u in people])

    def ask() -> None:
        asked = next(u for u in people if u.pk == form.cleaned_data["addressed_to"])
        req_svc.decision_request_create(
            by=user, case=case, kind=kind, addressed_to=asked, note=form.cleaned_data["note"]
        )

    saved = form_saved(
        request,
        form,
        ask,
        then=_stages_url(case),
        done=_("Your request is sent. You will be told the answer."),
    )
    if saved:
        return saved
    case_read_record(by=user, case=case, section="stages")
    title = _("Ask for a decision: %(kind)s") % {"kind": DecisionKind(kind).label}
    if people:
        intro = _("Only someone who may record decisions can take it. They get a task and a notification.")
    else:
        intro = _(
            "Nobody in your organisation may record this decision. Ask your organisation's admin to give "
            "a colleague the supervisor role."
        )
    status = 422 if request.method == "POST" else 200
    return _form_page(request, case, form, title, intro=intro, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def decision_request_decline_view(
    request: AuthenticatedHttpRequest, ref: str, request_id: int
) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    if not access.can_decide(user, case):
        raise Http404
    asked = stage_access.get_decision_request_for(user, case, request_id)
    form = DeclineRequestForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: req_svc.decision_request_decline(by=user, request=asked, reason=form.cleaned_data["reason"]),
        then=_stages_url(case),
        done=_("The request is declined; your colleague is told why."),
    )
    if saved:
        return saved
    case_read_record(by=user, case=case, section="stages")
    title = _("Decline the request: %(kind)s") % {"kind": asked.get_kind_display()}
    intro = _("%(name)s asked on %(day)s.") % {
        "name": asked.requested_by.get_full_name(),
        "day": date_format(timezone.localtime(asked.created_at), "SHORT_DATE_FORMAT"),
    }
    status = 422 if request.method == "POST" else 200
    return _form_page(request, case, form, title, intro=intro, status=status)


@login_required
@require_GET
def decision_requests_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The decisions asked of the user's organisations and the ones the user asked for."""
    user = request.user
    access.check_casework(user)
    return render(request, "stages/decision_requests.html", sel.decision_requests_for(user))
