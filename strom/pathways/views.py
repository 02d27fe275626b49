from __future__ import annotations

from collections.abc import Callable, Sequence

from django import forms as forms_module
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.accounts.http import AuthenticatedHttpRequest
from strom.core.languages import REGION_LANGUAGES, region_language_name
from strom.pathways.access import can_edit_pathway, get_municipality_for
from strom.pathways.diagram import layout, time_limit_text
from strom.pathways.forms import PathwayFilterForm, VersionForm, step_forms, translation_forms
from strom.pathways.models import Pathway, PathwayStep
from strom.pathways.selectors import (
    has_texts,
    original_steps,
    pathway_of,
    pathways_visible_to,
    steps_of,
    text_language,
)
from strom.pathways.services import PathwayConflict, pathway_save, pathway_translate


@login_required
@require_GET
def pathway_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    filters = PathwayFilterForm(request.GET or None)
    country = filters.cleaned_data.get("country", "") if filters.is_valid() else ""
    pathways = pathways_visible_to(user, country=country)
    return render(request, "pathways/list.html", {"filters": filters, "pathways": pathways})


def _other_language(step: PathwayStep, reader: str) -> str:
    """The name of the language the step's texts are shown in, when they are not in the reader's."""
    shown = text_language(step)
    return region_language_name(shown) if shown != reader and has_texts(step) else ""


def _pathway_context(request: AuthenticatedHttpRequest, municipality_id: int) -> dict[str, object]:
    user = request.user
    municipality = get_municipality_for(user, municipality_id)
    pathway = pathway_of(municipality)
    steps = steps_of(pathway)
    reader = (get_language() or "en").split("-")[0]
    return {
        "municipality": municipality,
        "pathway": pathway,
        "steps": [
            (step, time_limit_text(step.time_limit_days), _other_language(step, reader)) for step in steps
        ],
        "diagram": layout(steps),
        "may_edit": can_edit_pathway(user, municipality),
    }


@login_required
@require_GET
def pathway_detail(request: AuthenticatedHttpRequest, municipality_id: int) -> HttpResponse:
    return render(request, "pathways/detail.html", _pathway_context(request, municipality_id))


@login_required
@require_GET
def pathway_sheet(request: AuthenticatedHttpRequest, municipality_id: int) -> HttpResponse:
    return render(request, "pathways/sheet.html", _pathway_context(request, municipality_id))


def _write_opened_version(
    version_form: VersionForm, forms: Sequence[forms_module.Form], write: Callable[[int], object]
) -> list[str] | None:
    """Run `write` with the version the editor opened, once every form is valid: None when it is
    written, else the errors to show (a colleague's save in between, a refusal, a stale form)."""
    if not version_form.is_valid():
        return [_("The form is out of date. Open the pathway again.")]
    if not all(form.is_valid() for form in forms):
        return []
    try:
        write(version_form.cleaned_data["version"])
    except PathwayConflict:
        return [
            _(
                "Someone else saved this pathway since you opened it. "
                "Open it again to see their changes, then make yours."
            )
        ]
    except ValidationError as exc:
        return list(exc.messages)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def pathway_edit(request: AuthenticatedHttpRequest, municipality_id: int) -> HttpResponse:
    user = request.user
    municipality = get_municipality_for(user, municipality_id, write=True)
    pathway = pathway_of(municipality)
    data = request.POST if request.method == "POST" else None
    version_form = VersionForm(data, initial={"version": pathway.version if pathway else 0})
    forms = step_forms(data, municipality, original_steps(pathway))
    errors: list[str] = []
    if request.method == "POST":
        problems = _write_opened_version(
            version_form,
            forms,
            lambda version: pathway_save(
                by=user,
                municipality=municipality,
                version=version,
                steps=[form.step_data() for form in forms if not form.is_empty],
            ),
        )
        if problems is None:
            messages.success(request, _("The pathway is saved."))
            return redirect("pathways:detail", municipality_id=municipality.pk)
        errors = problems
    context = {
        "municipality": municipality,
        "pathway": pathway,
        "version_form": version_form,
        "forms": forms,
        "errors": errors,
        "field_errors": any(form.errors for form in forms),
    }
    return render(request, "pathways/edit.html", context)


def _translation_target(request: AuthenticatedHttpRequest, pathway: Pathway) -> str:
    """The language asked for, else the editor's own, else the first of the region's other languages."""
    others = [code for code, _name in REGION_LANGUAGES if code != pathway.original_language]
    asked = request.POST.get("language") or request.GET.get("language") or ""
    own = (get_language() or "en").split("-")[0]
    return next(code for code in (asked, own, *others) if code in others)


@login_required
@require_http_methods(["GET", "POST"])
def pathway_translate_view(request: AuthenticatedHttpRequest, municipality_id: int) -> HttpResponse:
    """The steps' texts in the original language on the left, the same texts in another language on
    the right, in one form."""
    user = request.user
    municipality = get_municipality_for(user, municipality_id, write=True)
    pathway = pathway_of(municipality)
    if pathway is None:
        messages.error(request, _("This municipality has no referral pathway yet."))
        return redirect("pathways:detail", municipality_id=municipality.pk)
    language = _translation_target(request, pathway)
    data = request.POST if request.method == "POST" else None
    version_form = VersionForm(data, initial={"version": pathway.version})
    forms = translation_forms(data, original_steps(pathway), steps_of(pathway, language), language)
    errors: list[str] = []
    if request.method == "POST":
        problems = _write_opened_version(
            version_form,
            forms,
            lambda version: pathway_translate(
                by=user,
                municipality=municipality,
                version=version,
                language=language,
                texts={form.step.stage: form.texts() for form in forms},
            ),
        )
        if problems is None:
            messages.success(request, _("The translation is saved."))
            return redirect("pathways:detail", municipality_id=municipality.pk)
        errors = problems
    context = {
        "municipality": municipality,
        "pathway": pathway,
        "version_form": version_form,
        "forms": forms,
        "errors": errors,
        "field_errors": any(form.errors for form in forms),
        "language": language,
        "language_name": region_language_name(language),
        "original_name": region_language_name(pathway.original_language),
        "languages": [(c, n) for c, n in REGION_LANGUAGES if c != pathway.original_language],
    }
    return render(request, "pathways/translate.html", context)
