from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import get_language

from strom.accounts.models import User
from strom.directory.access import check_directory_allowed
from strom.directory.models import Municipality
from strom.pathways.models import STEP_TEXT_FIELDS, Pathway, PathwayStep


def pathways_visible_to(user: User, *, country: str = "") -> QuerySet[Pathway]:
    # Pathways are guidance for every member of the network, like the directory.
    check_directory_allowed(user)
    qs = Pathway.objects.select_related("municipality").annotate(step_count=Count("steps"))
    if country:
        qs = qs.filter(municipality__country=country)
    return qs


def pathway_of(municipality: Municipality) -> Pathway | None:
    return Pathway.objects.select_related("last_reviewed_by").filter(municipality=municipality).first()


def steps_of(pathway: Pathway | None, language: str | None = None) -> list[PathwayStep]:
    """The pathway's steps, each with its texts in `language` (the reader's by default) where it has
    them, else English, else the pathway's original language: `text_language(step)` says which."""
    if pathway is None:
        return []
    steps = list(
        pathway.steps.select_related("lead_agency").prefetch_related("translations").order_by("position")
    )
    wanted = (language or get_language() or "en").split("-")[0]
    for step in steps:
        written = {row.language_code for row in step.translations.all()}
        shown = next((code for code in (wanted, "en", pathway.original_language) if code in written), wanted)
        step.set_current_language(shown)
    return steps


def original_steps(pathway: Pathway | None) -> list[PathwayStep]:
    """The pathway's steps with their texts in the original language: what its keepers edit."""
    return steps_of(pathway, pathway.original_language) if pathway is not None else []


def text_language(step: PathwayStep) -> str:
    """The language the step's texts are read in (set by `steps_of`)."""
    return str(step.get_current_language())


def has_texts(step: PathwayStep) -> bool:
    return any(getattr(step, name) for name in STEP_TEXT_FIELDS)
