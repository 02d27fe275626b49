"""Guideline pages: the list, a guideline in a chosen language and printable, its versions compared, and
for editors creating, the scope, the draft's sections, the side-by-side translation editor, publishing
and the country profiles' legal framework summaries."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.public import hub_page
from strom.core.countries import countries
from strom.core.errors import NotAllowed
from strom.core.forms import validation_error_to_form
from strom.core.htmx import is_htmx_partial
from strom.core.numbers import whole_number
from strom.core.vocabulary import Sector, Theme
from strom.directory.models import Organisation
from strom.guidelines import selectors as sel
from strom.guidelines.access import (
    check_may_read_hub,
    editing_org_ids,
    get_guideline_for,
    get_profile_country_for,
    get_version_for,
    may_create,
    may_edit,
)
from strom.guidelines.forms import (
    FilterForm,
    GuidelineForm,
    LanguageForm,
    NoteForm,
    ProfileForm,
    ScopeForm,
    SectionForm,
    VersionTextForm,
)
from strom.guidelines.models import LANGUAGES, Guideline, GuidelineVersion, Section, language_name
from strom.guidelines.services import (
    country_profile_save,
    draft_start,
    guideline_create,
    guideline_update,
    language_add,
    section_add,
    section_delete,
    section_move,
    section_text_save,
    translation_save,
    version_publish,
    version_text_save,
)
from strom.pathways.models import PathwayStage


def _reading_language(request: HttpRequest, guideline: Guideline) -> str:
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    interface = (get_language() or "en").split("-")[0]
    return (
        interface if guideline.languages.filter(language=interface).exists() else guideline.original_language
    )


@hub_page
@require_GET
def guideline_index(request: HttpRequest) -> HttpResponse:
    check_may_read_hub(request.user)
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = sel.guideline_list(
        request.user,
        country=filters.get("country", ""),
        theme=filters.get("theme", ""),
        sector=filters.get("sector", ""),
        language=filters.get("language", ""),
    ).prefetch_related("published_version__texts", "versions__texts")
    language = (get_language() or "en").split("-")[0]
    names = countries()
    guidelines = [(g, sel.title_of(g, language), names.get(g.country, g.country)) for g in rows]
    context = {"guidelines": guidelines, "form": form, "may_create": may_create(request.user)}
    return render(request, "guidelines/list.html", context)


def _organisations(request: AuthenticatedHttpRequest) -> object:
    return Organisation.objects.filter(pk__in=editing_org_ids(request.user)).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def guideline_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_create(request.user):
        raise NotAllowed
    form = GuidelineForm(request.POST or None, organisations=_organisations(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guideline = guideline_create(
                by=request.user,
                organisation=data["organisation"],
                title=data["title"],
                original_language=data["original_language"],
                summary=data["summary"],
                country=data["country"],
                audience=data["audience"],
                themes=data["themes"],
                sectors=data["sectors"],
                stages=data["stages"],
                steps=list(data["steps"]),
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The guideline is created; write its sections in the draft."))
            return redirect("guidelines:draft", guideline.slug)
    return render(request, "guidelines/form.html", {"form": form})


def _shown_version(request: HttpRequest, guideline: Guideline, editor: bool) -> GuidelineVersion:
    """The version asked for (?version=N), else the published one, else (for editors) the draft."""
    asked = whole_number(request.GET.get("version", ""))
    if asked is not None:
        return get_version_for(request.user, guideline, asked)
    if guideline.published_version is not None:
        version = guideline.published_version
        version.guideline = guideline
        return version
    draft = sel.current_draft(guideline) if editor else None
    if draft is None:
        raise NotAllowed
    return draft


def _reading_context(request: HttpRequest, slug: str) -> dict[str, object]:
    guideline = get_guideline_for(request.user, slug)
    editor = may_edit(request.user, guideline)
    version = _shown_version(request, guideline, editor)
    language = _reading_language(request, guideline)
    read = sel.reading(version, language)
    return {
        "guideline": guideline,
        "version": version,
        "read": read,
        "original_name": language_name(guideline.original_language),
        "languages": [(code, language_name(code)) for code in sel.kept_languages(guideline)],
        "may_edit": editor,
        "draft": sel.current_draft(guideline) if editor else None,
        "country_name": countries().get(guideline.country, ""),
        "steps": guideline.steps.select_related("pathway__municipality").order_by("position"),
        "theme_labels": [Theme(t).label for t in guideline.themes if t in Theme.values],
        "sector_labels": [Sector(t).label for t in guideline.sectors if t in Sector.values],
        "stage_labels": [PathwayStage(t).label for t in guideline.stages if t in PathwayStage.values],
    }


@hub_page
@require_GET
def guideline_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "guidelines/detail.html", _reading_context(request, slug))


@hub_page
@require_GET
def guideline_print(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "guidelines/print.html", _reading_context(request, slug))


@login_required
@require_http_methods(["GET", "POST"])
def guideline_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    guideline = get_guideline_for(request.user, slug, edit=True)
    initial = {
        "country": guideline.country,
        "audience": guideline.audience,
        "themes": guideline.themes,
        "sectors": guideline.sectors,
        "stages": guideline.stages,
        "steps": list(guideline.steps.all()),
    }
    form = ScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guideline_update(
                by=request.user,
                guideline=guideline,
                country=data["country"],
                audience=data["audience"],
                themes=data["themes"],
                sectors=data["sectors"],
                stages=data["stages"],
                steps=list(data["steps"]),
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The guideline's scope is saved."))
            return redirect("guidelines:detail", guideline.slug)
    context = {"guideline": guideline, "form": form, "title": sel.title_of(guideline)}
    return render(request, "guidelines/scope.html", context)


@hub_page
@require_GET
def guideline_versions(request: HttpRequest, slug: str) -> HttpResponse:
    """The versions, and what changed between two of them (by default the last two) in one language."""
    guideline = get_guideline_for(request.user, slug)
    editor = may_edit(request.user, guideline)
    versions = sel.versions_of(guideline, with_drafts=editor)
    language = _reading_language(request, guideline)
    numbers = [v.number for v in versions]
    older_n = whole_number(request.GET.get("from", ""))
    newer_n = whole_number(request.GET.get("to", ""))
    if newer_n is None and numbers:
        newer_n = numbers[0]
    if older_n is None and len(numbers) > 1:
        older_n = numbers[1]
    changes = None
    older = newer = None
    if (
        older_n is not None
        and newer_n is not None
        and {older_n, newer_n} <= set(numbers)
        and older_n != newer_n
    ):
        older = get_version_for(request.user, guideline, older_n)
        newer = get_version_for(request.user, guideline, newer_n)
        changes = sel.compare(older, newer, language)
    context = {
        "guideline": guideline,
        "title": sel.title_of(guideline, language),
        "versions": versions,
        "older": older,
        "newer": newer,
        "changes": changes,
        "language": language,
        "languages": [(code, language_name(code)) for code in sel.kept_languages(guideline)],
        "may_edit": editor,
    }
    return render(request, "guidelines/versions.html", context)


def _draft_of(request: AuthenticatedHttpRequest, slug: str) -> GuidelineVersion:
    guideline = get_guideline_for(request.user, slug, edit=True)
    draft = sel.current_draft(guideline)
    if draft is None:
        raise NotAllowed
    return draft


def _draft_context(draft: GuidelineVersion, **extra: object) -> dict[str, object]:
    guideline = draft.guideline
    original = guideline.original_language
    head = draft.texts.filter(language=original).first()
    rows = sel.side_by_side(draft, source=original, target=original)
    return {
        "guideline": guideline,
        "draft": draft,
        "title_form": VersionTextForm(
            initial={"title": head.title, "summary": head.summary} if head else None
        ),
        "sections": [
            (
                row.section,
                SectionForm(
                    initial={"heading": row.source.heading, "body": row.source.body} if row.source else None,
                    prefix=str(row.section.key),
                ),
            )
            for row in rows
        ],
        "add_form": SectionForm(prefix="new"),
        "language_form": LanguageForm(),
        "note_form": NoteForm(initial={"note": draft.note}),
        "original_name": language_name(original),
        "translations": [
            (code, language_name(code)) for code in sel.kept_languages(guideline) if code != original
        ],
        "outdated": sel.outdated_translations(draft),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def guideline_draft(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The draft's sections in the original language; POST saves its title and summary."""
    draft = _draft_of(request, slug)
    if request.method == "POST":
        form = VersionTextForm(request.POST)
        if form.is_valid():
            try:
                version_text_save(
                    by=request.user,
                    version=draft,
                    language=draft.guideline.original_language,
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as exc:
                validation_error_to_form(form, exc)
            else:
                messages.success(request, _("The title is saved."))
                return redirect("guidelines:draft", slug)
        return render(request, "guidelines/draft.html", _draft_context(draft, title_form=form), status=200)
    return render(request, "guidelines/draft.html", _draft_context(draft))


@login_required
@require_POST
def guideline_draft_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    guideline = get_guideline_for(request.user, slug, edit=True)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        draft_start(by=request.user, guideline=guideline, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("guidelines:detail", slug)
    messages.success(request, _("A new draft is started from the published version."))
    return redirect("guidelines:draft", slug)


@login_required
@require_POST
def section_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    draft = _draft_of(request, slug)
    form = SectionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            section_add(
                by=request.user,
                version=draft,
                heading=form.cleaned_data["heading"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The section is added."))
            return redirect("guidelines:draft", slug)
    return render(request, "guidelines/draft.html", _draft_context(draft, add_form=form))


def _section_of(draft: GuidelineVersion, key: uuid.UUID) -> Section:
    section = draft.sections.filter(key=key).first()
    if section is None:
        raise NotAllowed
    section.version = draft
    return section


@login_required
@require_POST
def section_save(request: AuthenticatedHttpRequest, slug: str, key: uuid.UUID) -> HttpResponse:
    """Saves a section in the original language; with htmx only the section's form comes back."""
    draft = _draft_of(request, slug)
    section = _section_of(draft, key)
    form = SectionForm(request.POST, prefix=str(section.key))
    saved = False
    if form.is_valid():
        try:
            section_text_save(
                by=request.user,
                section=section,
                language=draft.guideline.original_language,
                heading=form.cleaned_data["heading"],
                body=form.cleaned_data["body"],
            )
            saved = True
        except ValidationError as exc:
            validation_error_to_form(form, exc)
    if is_htmx_partial(request):
        context = {"guideline": draft.guideline, "section": section, "form": form, "saved": saved}
        return render(request, "guidelines/_section_form.html", context)
    if saved:
        messages.success(request, _("The section is saved."))
        return redirect("guidelines:draft", slug)
    return render(request, "guidelines/draft.html", _draft_context(draft))


@login_required
@require_POST
def section_move_view(request: AuthenticatedHttpRequest, slug: str, key: uuid.UUID) -> HttpResponse:
    draft = _draft_of(request, slug)
    section_move(by=request.user, section=_section_of(draft, key), up=request.POST.get("direction") != "down")
    return redirect(reverse("guidelines:draft", args=[slug]) + f"#section-{key}")


@login_required
@require_POST
def section_delete_view(request: AuthenticatedHttpRequest, slug: str, key: uuid.UUID) -> HttpResponse:
    draft = _draft_of(request, slug)
    section_delete(by=request.user, section=_section_of(draft, key))
    messages.success(request, _("The section is removed from the draft."))
    return redirect("guidelines:draft", slug)


@login_required
@require_POST
def language_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    guideline = get_guideline_for(request.user, slug, edit=True)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a language from the list."))
        return redirect("guidelines:draft", slug)
    try:
        language_add(by=request.user, guideline=guideline, language=form.cleaned_data["language"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("guidelines:draft", slug)
    return redirect("guidelines:translate", slug, form.cleaned_data["language"])


def _translation_context(draft: GuidelineVersion, source: str, target: str) -> dict[str, object]:
    guideline = draft.guideline
    texts = {t.language: t for t in draft.texts.all()}
    return {
        "guideline": guideline,
        "draft": draft,
        "source": source,
        "target": target,
        "source_name": language_name(source),
        "target_name": language_name(target),
        "source_head": texts.get(source) or texts.get(guideline.original_language),
        "target_head": texts.get(target),
        "title_needs_update": sel.title_needs_update(draft, target),
        "rows": sel.side_by_side(draft, source=source, target=target),
        "sources": [(c, language_name(c)) for c in sel.kept_languages(guideline) if c != target],
    }


def _posted_sections(request: HttpRequest, draft: GuidelineVersion) -> dict[str, tuple[str, str]]:
    keys = [str(k) for k in draft.sections.values_list("key", flat=True)]
    return {
        key: (request.POST.get(f"{key}-heading", ""), request.POST.get(f"{key}-body", ""))
        for key in keys
        if f"{key}-heading" in request.POST
    }


@login_required
@require_http_methods(["GET", "POST"])
def guideline_translate(request: AuthenticatedHttpRequest, slug: str, language: str) -> HttpResponse:
    """Two languages side by side: the source read-only on the left, the target editable on the right,
    section by section, with a marker where the original changed after the translation was written."""
    draft = _draft_of(request, slug)
    guideline = draft.guideline
    kept = sel.kept_languages(guideline)
    if language not in kept or language == guideline.original_language:
        raise NotAllowed
    source = request.GET.get("source", "")
    source = source if source in kept and source != language else guideline.original_language
    errors: list[str] = []
    if request.method == "POST":
        try:
            stored = translation_save(
                by=request.user,
                version=draft,
                language=language,
                title=request.POST.get("title", ""),
                summary=request.POST.get("summary", ""),
                sections=_posted_sections(request, draft),
                confirmed=frozenset(request.POST.getlist("confirmed")),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d texts saved.") % {"count": stored})
            return redirect(reverse("guidelines:translate", args=[slug, language]) + f"?source={source}")
    context = _translation_context(draft, source, language)
    context["errors"] = errors
    return render(request, "guidelines/translate.html", context, status=422 if errors else 200)


@login_required
@require_POST
def guideline_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    draft = _draft_of(request, slug)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = version_publish(by=request.user, version=draft, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("guidelines:draft", slug)
    messages.success(request, _("Version %(number)d is published.") % {"number": version.number})
    return redirect("guidelines:detail", slug)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest, country: str) -> HttpResponse:
    """A country's legal framework summary, one language at a time (?lang=)."""
    code = get_profile_country_for(request.user, country)
    language = request.GET.get("lang", "")
    language = language if language in LANGUAGES else "en"
    existing = {p.language: p for p in sel.profiles_of(code)}
    current = existing.get(language)
    form = ProfileForm(
        request.POST or None, initial={"legal_framework": current.legal_framework if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            country_profile_save(
                by=request.user,
                country=code,
                language=language,
                legal_framework=form.cleaned_data["legal_framework"],
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The legal framework summary is saved."))
            return redirect(reverse("guidelines:profile_edit", args=[code]) + f"?lang={language}")
    context = {
        "country": code,
        "country_name": countries().get(code, code),
        "language": language,
        "language_name": language_name(language),
        "languages": [(c, language_name(c), c in existing) for c in LANGUAGES],
        "form": form,
        "original": existing.get("en") if language != "en" else None,
    }
    return render(request, "guidelines/profile_form.html", context)
