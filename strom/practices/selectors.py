"""Reads for practices: the library (current published versions), the editors' and reviewers' work list,
one practice as its reader sees it, and the case page's "practices for this stage"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Window

from strom.core import cache_tokens
from strom.core.collation import collated
from strom.practices.access import is_member, may_see_working_copy, working_copies
from strom.practices.models import (
    Practice,
    PracticeQuerySet,
    PracticeState,
    PracticeVersion,
    PracticeVersionQuerySet,
)
from strom.practices.snapshot import present, snapshot

if TYPE_CHECKING:
    from strom.cases.models import Case

TOP = 3
# A new token whenever a version is published or withdrawn (strom.practices.services): the counts kept
# under an older one are not used (strom.core.cache_tokens). They are kept at most this long anyway.
LIBRARY_GENERATION = "strom:practices:library-generation"
STAGE_COUNT_SECONDS = 300


@dataclass(frozen=True)
class LibraryFilters:
    country: str = ""
    stage: str = ""
    form: str = ""
    sector: str = ""
    theme: str = ""
    level: str = ""
    q: str = ""
    step: int | None = None  # a referral pathway step the practice concerns


def library(user: Any, filters: LibraryFilters | None = None) -> PracticeVersionQuerySet:
    """The current published versions the reader may read, filtered; the text query looks in titles and
    summaries (the hub's search box searches everything)."""
    f = filters or LibraryFilters()
    versions = PracticeVersion.objects.visible_to(user).filter(is_current=True)
    if f.country:
        versions = versions.filter(country=f.country.upper())
    if f.stage:
        versions = versions.filter(stages__contains=[f.stage])
    if f.form:
        versions = versions.filter(forms__contains=[f.form])
    if f.sector:
        versions = versions.filter(sectors__contains=[f.sector])
    if f.theme:
        versions = versions.filter(themes__contains=[f.theme])
    if f.level:
        versions = versions.filter(level=f.level)
    if f.step:
        versions = versions.filter(data__pathway_steps__contains=[{"id": f.step}])
    if f.q.strip():
        q = f.q.strip()
        versions = versions.filter(Q(title__icontains=q) | Q(data__summary__icontains=q))
    return versions.order_by(collated("title"), "practice_id")


def work_list(user: Any) -> PracticeQuerySet:
    """Working copies the user keeps or reviews, most recently changed first."""
    return (
        Practice.objects.filter(working_copies(user))
        .select_related("organisation")
        .order_by("-updated_at", "pk")
    )


def review_queue(user: Any) -> PracticeQuerySet:
    return work_list(user).filter(state__in=[PracticeState.SUBMITTED, PracticeState.IN_REVIEW])


def current_version(practice: Practice) -> PracticeVersion | None:
    return practice.versions.filter(is_current=True).first()


@dataclass(frozen=True)
class Record:
    """What the detail page shows: the working copy to its editors and reviewers, else the current
    published version."""

    data: dict[str, Any]
    working_copy: bool
    version: PracticeVersion | None


def record_for(user: Any, practice: Practice) -> Record:
    version = current_version(practice)
    if may_see_working_copy(user, practice):
        return Record(data=present(snapshot(practice)), working_copy=True, version=version)
    if version is None:  # get_practice_for() lets no one else this far
        raise ValueError("a practice without a published version, for a reader of published ones")
    return Record(data=present(version.data), working_copy=False, version=version)


def stage_practices(user: Any, stage: str, *, case: Case | None = None) -> tuple[int, list[PracticeVersion]]:
    """How many published practices concern `stage`, and the first few, in one query. With `case`,
    none unless the user may see that case."""
    if case is not None:
        from strom.cases.access import may_see_case

        if not may_see_case(user, case):
            return 0, []
    versions = library(user, LibraryFilters(stage=stage))
    rows = list(
        versions.annotate(total=Window(Count("pk"))).only("pk", "practice_id", "title", "level")[:TOP]
    )
    return (getattr(rows[0], "total", 0) if rows else 0), rows


def stage_practice_count(user: Any, case: Case) -> int:
    """How many published practices concern the case's stage (0 unless the user may see the case): the
    overview's line, which shows the number alone. Members read every published version, so the count
    depends on the stage alone and is kept in the cache until the library changes."""
    from strom.cases.access import may_see_case

    if not may_see_case(user, case):
        return 0
    if not is_member(user):
        return library(user, LibraryFilters(stage=case.stage)).count()
    return cache_tokens.kept(
        LIBRARY_GENERATION,
        f"strom:practices:stage-count:{case.stage}",
        lambda: library(user, LibraryFilters(stage=case.stage)).count(),
        STAGE_COUNT_SECONDS,
    )


def practices_section_context(user: Any, case: Case) -> dict[str, Any]:
    """The case page's link to the practices of the case's stage: published practices only, and none
    for a viewer who may not see the case; it records no read."""
    count, top = stage_practices(user, case.stage, case=case)
    return {
        "practices_stage": case.stage if count else "",
        "practices_count": count,
        "practices_top": top,
    }


def versions_of(user: Any, practice: Practice) -> list[PracticeVersion]:
    return list(
        PracticeVersion.objects.visible_to(user).filter(practice=practice).order_by("-number").distinct()
    )
