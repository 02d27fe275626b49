"""Pages for the case file: full-page forms under /casefile/<ref>/…, the notes partial for htmx,
and the document download. Every view starts from the access functions in access.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.casefile import access, services
from strom.casefile.forms import DocumentForm, EventForm, NoteForm, PerpetratorForm
from strom.casefile.selectors import casefile_sections_context
from strom.cases.access import get_case_for
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.services import EditConflict
from strom.core.downloads import document_response
from strom.core.forms import form_saved
from strom.core.htmx import is_htmx_partial


def _back(request: HttpRequest, case: Case) -> str:
    """Where to go after saving: the page the user came from (if ours), else the case file page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("casefile:overview", kwargs={"ref": case.ref})


def _form_page(
    request: HttpRequest,
    template: str,
    case: Case,
    form: Any,
    *,
    conflict: EditConflict | None = None,
    **extra: Any,
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "next": _back(request, case),
        "conflict": conflict,
        "conflict_rows": [(change.label, _shown(change.stored)) for change in conflict.changes]
        if conflict
        else [],
        **extra,
    }
    return render(request, template, context)


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _conflict(form: Any, exc: EditConflict) -> None:
    """Keep what the user typed, move them onto the stored version, and say what changed."""
    data = form.data.copy()
    data["version"] = str(exc.stored_version)
    form.data = data
    form.add_error(
        None,
        _(
            "Someone else saved this in the meantime. Their values are listed below; check them, "
            "then save again to keep yours."
        ),
    )


def _new_page(
    request: HttpRequest, case: Case, form: Any, template: str, add: Callable[[], object], done: str
) -> HttpResponse:
    """A form that records something new: on success a message and back where the user came from."""
    saved = form_saved(request, form, add, then=_back(request, case), done=done)
    return saved or _form_page(request, template, case, form)


def _edit_page(
    request: HttpRequest,
    user: User,
    case: Case,
    form: Any,
    template: str,
    save: Callable[[int], object],
    done: str,
    section: str,
    **extra: Any,
) -> HttpResponse:
    """A form that edits a versioned record: `save(version)`; a conflict keeps the user's values and
    lists the stored ones. Showing the stored values (GET) is a read of the case, audited."""
    conflict = None
    try:
        saved = form_saved(
            request,
            form,
            lambda: save(form.cleaned_data["version"] or 0),
            then=_back(request, case),
            done=done,
        )
    except EditConflict as exc:
        conflict, saved = exc, None
        _conflict(form, exc)
    if saved:
        return saved
    if request.method == "GET":
        case_read_record(by=user, case=case, section=section)
    return _form_page(request, template, case, form, conflict=conflict, **extra)


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref)
    case_read_record(by=user, case=case, section="casefile")
    return render(request, "casefile/overview.html", casefile_sections_context(user, case))


# --- events ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    form = EventForm(request.POST or None)
    return _new_page(
        request,
        case,
        form,
        "casefile/event_form.html",
        lambda: services.event_record(by=user, case=case, **form.service_data()),
        _("The event is recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, ref: str, event_id: int) -> HttpResponse:
    user = request.user
    event = access.get_event_for(user, ref, event_id, write=True)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    return _edit_page(
        request,
        user,
        event.case,
        form,
        "casefile/event_form.html",
        lambda version: services.event_update(by=user, event=event, version=version, **form.service_data()),
        _("The event is saved."),
        "event",
        event=event,
    )


# --- perpetrators ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def perpetrator_create(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    access.check_may_add_perpetrators(user, case)
    form = PerpetratorForm(request.POST or None)
    return _new_page(
        request,
        case,
        form,
        "casefile/perpetrator_form.html",
        lambda: services.perpetrator_add(by=user, case=case, **form.service_data()),
        _("The perpetrator is recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def perpetrator_edit(request: AuthenticatedHttpRequest, ref: str, perpetrator_id: int) -> HttpResponse:
    user = request.user
    perpetrator = access.get_perpetrator_for(user, ref, perpetrator_id, write=True)
    form = PerpetratorForm(request.POST or None, initial=PerpetratorForm.initial_for(perpetrator))
    return _edit_page(
        request,
        user,
        perpetrator.case,
        form,
        "casefile/perpetrator_form.html",
        lambda version: services.perpetrator_update(
            by=user, perpetrator=perpetrator, version=version, **form.service_data()
        ),
        _("The perpetrator record is saved."),
        "perpetrator",
        perpetrator=perpetrator,
    )


# --- notes -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    """Full page without JavaScript; from the notes section, htmx posts here and gets the section back."""
    user = request.user
    case = get_case_for(user, ref, write=True)
    form = NoteForm(request.POST or None)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add(
                by=user, case=case, body=form.cleaned_data["body"], restricted=form.cleaned_data["restricted"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = True
    if is_htmx_partial(request):
        context = casefile_sections_context(user, case)
        if not saved:
            context["casefile_note_form"] = form
        context["casefile_note_saved"] = saved
        # The section lists note texts: one read of the case's notes for this response.
        case_read_record(by=user, case=case, section="notes")
        response = render(request, "casefile/_notes.html", context)
        response["Vary"] = "HX-Request"
        return response
    if saved:
        messages.success(request, _("The note is added."))
        return redirect(_back(request, case))
    return _form_page(request, "casefile/note_form.html", case, form)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthenticatedHttpRequest, ref: str, note_id: int) -> HttpResponse:
    user = request.user
    note = access.get_note_for(user, ref, note_id, write=True)
    form = NoteForm(request.POST or None, initial=NoteForm.initial_for(note))
    return _edit_page(
        request,
        user,
        note.case,
        form,
        "casefile/note_form.html",
        lambda version: services.note_edit(
            by=user,
            note=note,
            version=version,
            body=form.cleaned_data["body"],
            restricted=form.cleaned_data["restricted"],
        ),
        _("The note is saved."),
        "note",
        note=note,
    )


# --- documents ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    return _new_page(
        request,
        case,
        form,
        "casefile/document_form.html",
        lambda: services.document_upload(
            by=user,
            case=case,
            file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
        ),
        _("The document is uploaded."),
    )


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, ref: str, document_uuid: uuid.UUID) -> HttpResponse:
    user = request.user
    document = access.get_document_for(user, ref, document_uuid)
    # A missing or undecryptable file is an operations problem, not "not found": it is left to raise,
    # and is logged (path and stack, no content) as a server error.
    data = services.document_read(by=user, document=document)
    return document_response(data, document)
