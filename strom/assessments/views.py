"""Assessment pages: questionnaires and their import, rounds, answering, the comparison and exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.assessments import exports
from strom.assessments.access import (
    answer_org_ids,
    check_may_read,
    get_questionnaire_for,
    get_response_for,
    get_round_for,
    manage_org_ids,
    may_answer,
    may_manage,
    may_run,
)
from strom.assessments.forms import FindingForm, ImportForm, ReturnForm, RoundForm
from strom.assessments.models import EDITABLE, Questionnaire, Response, Round
from strom.assessments.page import answering_context, posted_answers
from strom.assessments.selectors import comparable_rounds, compare, submitted
from strom.assessments.services import (
    finding_record,
    questionnaire_import,
    response_return,
    response_save,
    response_submit,
    round_close,
    round_open,
)
from strom.assessments.xlsform import XLSFormRejected
from strom.core.errors import NotAllowed
from strom.core.forms import validation_error_to_form
from strom.core.roles import Perm
from strom.core.spreadsheets import XLSX_CONTENT_TYPE
from strom.directory.models import Organisation


def _managing(request: AuthenticatedHttpRequest) -> Any:
    if request.user.has_global(Perm.ASSESSMENTS_MANAGE):
        return Organisation.objects.filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=manage_org_ids(request.user)).order_by("name")


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_read(request.user)
    mine = (
        Response.objects.visible_to(request.user)
        .filter(organisation_id__in=answer_org_ids(request.user), status__in=EDITABLE)
        .select_related("round", "organisation")
    )
    context = {
        "questionnaires": Questionnaire.objects.visible_to(request.user).defer(
            "source", "sheets", "structure"
        ),
        "rounds": Round.objects.visible_to(request.user).select_related("questionnaire", "organisation"),
        "mine": [r for r in mine if r.is_editable],
        "may_manage": may_manage(request.user),
    }
    return render(request, "assessments/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage(request.user):
        raise NotAllowed
    form = ImportForm(request.POST or None, request.FILES or None, organisations=_managing(request))
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            questionnaire = questionnaire_import(
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                file_name=upload.name or "form.xlsx",
                content=upload.read(),
            )
        except XLSFormRejected as exc:
            problems = exc.errors
            form.add_error("file", _("The XLSForm has problems; they are listed below by sheet and row."))
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The questionnaire is imported."))
            return redirect("assessments:questionnaire", questionnaire.pk)
    return render(
        request,
        "assessments/import.html",
        {"form": form, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
@require_GET
def questionnaire_detail(request: AuthenticatedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, questionnaire_id)
    survey = questionnaire.survey()
    language = survey.language_for(request.LANGUAGE_CODE)
    context = {
        "questionnaire": questionnaire,
        "nodes": [
            {"node": n, "label": survey.label(n, language), "depth": n["path"].count("/")}
            for n in survey.walk()
        ],
        "versions": Questionnaire.objects.visible_to(request.user)
        .filter(form_id=questionnaire.form_id)
        .defer("source", "sheets", "structure"),
        "rounds": questionnaire.rounds.all(),
        "may_open": may_manage(request.user),
    }
    return render(request, "assessments/questionnaire.html", context)


@login_required
@require_GET
def questionnaire_xlsform(request: AuthenticatedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, questionnaire_id)
    name = f"{slugify(questionnaire.form_id) or 'form'}-{slugify(questionnaire.version) or 'version'}.xlsx"
    return _download(exports.xlsform(questionnaire), name, XLSX_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: AuthenticatedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, questionnaire_id)
    if not may_manage(request.user):
        raise NotAllowed
    form = RoundForm(request.POST or None, organisations=_managing(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_open(
                by=request.user,
                questionnaire=questionnaire,
                organisation=data["organisation"],
                title=data["title"],
                deadline=data["deadline"],
                countries=data["countries"],
                org_types=data["org_types"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The round is open."))
            return redirect("assessments:round", round_.pk)
    return render(request, "assessments/round_form.html", {"form": form, "questionnaire": questionnaire})


@login_required
@require_GET
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for(request.user, round_id)
    runs = may_run(request.user, round_)
    responses = Response.objects.visible_to(request.user).filter(round=round_).select_related("organisation")
    context = {
        "round": round_,
        "runs": runs,
        "responses": responses,
        "total": round_.responses.count(),
        "submitted": round_.responses.filter(status="submitted").count(),
        "return_form": ReturnForm(),
        "findings": round_.findings.select_related("recommendation"),
    }
    return render(request, "assessments/round.html", context)


@login_required
@require_POST
def round_close_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for(request.user, round_id, manage=True)
    try:
        round_close(by=request.user, round_=round_)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The round is closed."))
    return redirect("assessments:round", round_.pk)


@login_required
@require_GET
def round_compare(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for(request.user, round_id)
    by = "municipality" if request.GET.get("by") == "municipality" else "country"
    others = comparable_rounds(round_)
    against = next((r for r in others if str(r.pk) == request.GET.get("against", "")), None)
    comparison = compare(request.user, round_, by=by, language=request.LANGUAGE_CODE, against=against)
    context = {"c": comparison, "others": others, "runs": may_run(request.user, round_)}
    return render(request, "assessments/compare.html", context)


@login_required
@require_GET
def round_export(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for(request.user, round_id, manage=True)
    sheets = exports.tables(round_, submitted(request.user, round_))
    base = f"{slugify(round_.questionnaire.form_id) or 'assessment'}-round-{round_.pk}"
    if request.GET.get("format") == "csv":
        sheet = request.GET.get("sheet") or next(iter(sheets))
        if sheet not in sheets:
            raise NotAllowed
        return _download(
            exports.as_csv(sheets[sheet]), f"{base}-{slugify(sheet)}.csv", "text/csv; charset=utf-8"
        )
    return _download(exports.as_xlsx(sheets), f"{base}.xlsx", XLSX_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def round_finding(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for(request.user, round_id, manage=True)
    survey = round_.questionnaire.survey()
    language = survey.language_for(request.LANGUAGE_CODE)
    questions = [(n["name"], survey.label(n, language)) for n in survey.questions() if n["type"] != "note"]
    organisations = Organisation.objects.filter(pk__in=request.user.org_ids_with(Perm.RECOMMENDATIONS_EDIT))
    form = FindingForm(
        request.POST or None,
        organisations=organisations,
        questions=questions,
        initial={
            "question": request.GET.get("question", ""),
            "addressee_country": round_.organisation.country,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding_record(
                by=request.user,
                round_=round_,
                question=data["question"],
                text=data["text"],
                organisation=data["organisation"],
                addressee_country=data["addressee_country"],
                addressee_kind=data["addressee_kind"],
                language=request.LANGUAGE_CODE[:3],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The finding is recorded as a recommendation."))
            return redirect("assessments:round", round_.pk)
    return render(request, "assessments/finding.html", {"form": form, "round": round_})


@login_required
@require_http_methods(["GET", "POST"])
def response_answer(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for(request.user, response_id)
    survey = response.round.questionnaire.survey()
    editable = response.is_editable and may_answer(request.user, response)
    language = survey.language_for(
        request.GET.get("lang") or request.POST.get("lang") or request.LANGUAGE_CODE
    )
    if request.method == "POST" and not editable:
        raise NotAllowed
    answers, errors, status = response.answers, {}, 200
    revision: int | None = response.revision
    if request.method == "POST":
        answers, action, revision = posted_answers(survey, request.POST, response)
        if action in {"save", "submit"}:
            service = response_submit if action == "submit" else response_save
            try:
                service(
                    by=request.user, response=response, answers=answers, language=language, revision=revision
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
                else:  # the round closed or the response was submitted meanwhile
                    errors = {"__all__": " ".join(exc.messages)}
                revision = Response.objects.get(pk=response.pk).revision
                status = 400
            else:
                done = _("The response is submitted.") if action == "submit" else _("The draft is saved.")
                messages.success(request, done)
                return redirect("assessments:response", response.pk)
    context = answering_context(survey, response, answers, errors, language, editable, request.POST or None)
    context["revision"] = revision
    return render(request, "assessments/response.html", context, status=status)


@login_required
@require_POST
def response_return_view(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for(request.user, response_id, manage=True)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            response_return(by=request.user, response=response, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The response is returned to %(name)s.") % {"name": response.organisation.name}
            )
    else:
        messages.error(request, _("Say what should be changed."))
    return redirect("assessments:round", response.round_id)
