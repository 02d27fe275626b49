"""Everyday casework pages: opening a case, the person page, edits (the case list: views_list.py; the
case page and its tabs: views_page.py).

Every page that shows a person's data records one audit read; writes go through strom.cases.services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.audit.services import audit_read
from strom.cases import access
from strom.cases.forms import (
    CaseEditForm,
    CaseOpenForm,
    DocumentForm,
    LegalHoldForm,
    NewCaseForPersonForm,
    PersonEditForm,
)
from strom.cases.models import Case, Person
from strom.cases.reads import case_read_record
from strom.cases.selectors import possible_duplicates
from strom.cases.services import (
    EditConflict,
    FieldChange,
    case_open,
    case_set_legal_hold,
    case_update,
    identity_document_add,
    person_update,
)
from strom.cases.services_casework import case_open_with_person
from strom.core.forms import validation_error_to_form
from strom.core.roles import Perm

# --- opening a case ----------------------------------------------------------------------------------


def _after_open_redirect(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    messages.success(request, _("Case %(ref)s is open.") % {"ref": case.ref})
    if Case.objects.visible_to(user).filter(pk=case.pk).exists():
        return redirect("cases:detail", ref=case.ref)
    # A hotline operator who gave the case to a case worker no longer sees it; say where it went.
    messages.info(request, _("The case is with its case worker; you no longer see it."))
    return redirect("cases:list")


@login_required
@require_http_methods(["GET", "POST"])
def case_open_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_may_open_cases(user)
    duplicates: list[Person] = []
    if request.method == "POST":
        duplicates = possible_duplicates(
            user,
            given_name=request.POST.get("given_name", ""),
            family_name=request.POST.get("family_name", ""),
            document_numbers=[request.POST.get("number", "")],
        )
    form = CaseOpenForm(request.POST or None, user=user, duplicates=duplicates)
    ask_about_duplicates = False
    if request.method == "POST" and form.is_valid():
        same_person = form.cleaned_data["same_person"]
        if duplicates and not same_person:
            ask_about_duplicates = True
        else:
            existing = next((p for p in duplicates if str(p.pk) == same_person), None)
            case = _open_case(form, user, existing)
            if case is not None:
                return _after_open_redirect(request, user, case)
    if duplicates:
        audit_read(
            actor=user,
            object_type="person",
            object_ref="",
            organisation_id=None,
            details={"list": "possible_duplicates", "persons": [p.pk for p in duplicates]},
        )
    context = {"form": form, "duplicates": duplicates, "ask_about_duplicates": ask_about_duplicates}
    return render(request, "cases/case_open.html", context)


def _open_case(form: CaseOpenForm, user: User, existing: Person | None) -> Case | None:
    data = form.cleaned_data
    try:
        return case_open_with_person(
            by=user,
            organisation=data["organisation"],
            municipality=data["municipality"],
            owner=data["owner"],
            forms_of_exploitation=data["forms_of_exploitation"],
            person=existing,
            person_data=None if existing is not None else form.person_data(),
            document=form.document_data(),
        )
    except ValidationError as exc:
        validation_error_to_form(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def person_case_open_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Another case for a person already recorded: people can come back years later."""
    user = request.user
    access.check_may_open_cases(user)
    person = access.get_person_for(user, person_id)
    form = NewCaseForPersonForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open(
                by=user,
                person=person,
                organisation=data["organisation"],
                municipality=data["municipality"],
                owner=data["owner"],
                forms_of_exploitation=data["forms_of_exploitation"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            return _after_open_redirect(request, user, case)
    audit_read(actor=user, object_type="person", object_ref=person.pk, organisation_id=person.organisation_id)
    return render(request, "cases/person_case_open.html", {"form": form, "person": person})


# --- editing a case (the case page itself: views_page.py) -------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_edit_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    may_assign = access.can_assign(user, case)
    form = CaseEditForm(
        request.POST or None, initial=CaseEditForm.initial_for(case), case=case, may_assign=may_assign
    )
    conflict: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            case_update(by=user, case=case, version=form.cleaned_data["version"], **form.changes())
        except EditConflict as exc:
            conflict = conflict_rows(exc.changes)
            _show_stored_version(form, exc.stored_version)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The case is saved."))
            return redirect("cases:detail", ref=case.ref)
    case_read_record(by=user, case=case, section="edit")
    return render(
        request,
        "cases/case_edit.html",
        {"form": form, "case": case, "conflict": conflict, "may_assign": may_assign},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def legal_hold_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref, write=True)
    if not access.can_assign(user, case):
        raise Http404
    form = LegalHoldForm(
        request.POST or None, initial={"hold": case.legal_hold, "reason": case.legal_hold_reason}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_set_legal_hold(
                by=user, case=case, hold=form.cleaned_data["hold"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The legal hold is on.") if form.cleaned_data["hold"] else _("The legal hold is lifted."),
            )
            return redirect("cases:detail", ref=case.ref)
    case_read_record(by=user, case=case, section="legal_hold")
    return render(request, "cases/legal_hold.html", {"form": form, "case": case})


# --- the person page ---------------------------------------------------------------------------------


@login_required
@require_GET
def person_detail_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = access.get_person_for(user, person_id)
    cases = list(
        Case.objects.visible_to(user)
        .filter(person_id=person.pk)
        .select_related("municipality", "owner")
        .order_by("-opened_at")
    )
    documents = list(person.documents.order_by("-created_at"))
    audit_read(actor=user, object_type="person", object_ref=person.pk, organisation_id=person.organisation_id)
    context = {
        "person": person,
        "cases": cases,
        "documents": documents,
        "today": timezone.localdate(),
        "may_edit": any(access.can_edit_case(user, c) for c in cases),
        "may_open": user.has_any(Perm.CASE_CREATE),
    }
    return render(request, "cases/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = access.get_person_for(user, person_id, write=True)
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person))
    conflict: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            person_update(by=user, person=person, version=form.cleaned_data["version"], **form.person_data())
        except EditConflict as exc:
            conflict = conflict_rows(exc.changes)
            _show_stored_version(form, exc.stored_version)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The person's details are saved."))
            return redirect("cases:person", person_id=person.pk)
    audit_read(actor=user, object_type="person", object_ref=person.pk, organisation_id=person.organisation_id)
    return render(
        request,
        "cases/person_edit.html",
        {"form": form, "person": person, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = access.get_person_for(user, person_id, write=True)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        document = form.document_data()
        assert document is not None
        try:
            identity_document_add(by=user, person=person, **document)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The document is added."))
            return redirect("cases:person", person_id=person.pk)
    return render(request, "cases/document_add.html", {"form": form, "person": person})


# --- edit conflicts ----------------------------------------------------------------------------------


def _show_stored_version(form: Any, stored_version: int) -> None:
    """Keep what the user typed, but from the version now stored: saving again is a deliberate choice."""
    data = form.data.copy()
    data["version"] = str(stored_version)
    form.data = data


def display_value(field: str, value: Any) -> str:
    """A stored or submitted value as a person reads it."""
    from strom.cases.choices import Exploitation, Gender, MigrationStatus
    from strom.cases.forms import LANGUAGE_CHOICES
    from strom.core.countries import countries

    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, models.Model):
        return value.get_full_name() if isinstance(value, User) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    all_labels: dict[str, dict[str, Any]] = {
        "gender": dict(Gender.choices),
        "migration_status": dict(MigrationStatus.choices),
        "forms_of_exploitation": dict(Exploitation.choices),
        "citizenships": countries(),
        "languages": dict(LANGUAGE_CHOICES),
    }
    labels = all_labels.get(field, {})
    if isinstance(value, list | tuple):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if field in ("municipality", "owner") and isinstance(value, int):
        return "#" + str(value)
    return str(labels.get(value, value))


def conflict_rows(changes: list[FieldChange]) -> list[dict[str, str]]:
    return [
        {
            "field": c.field,
            "label": c.label,
            "stored": display_value(c.field, c.stored),
            "submitted": display_value(c.field, c.submitted),
        }
        for c in changes
    ]
