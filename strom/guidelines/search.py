"""The guidelines' contribution to the hub search: one document per guideline and language, read from
the published version. A language without text in the published version, and a guideline never
published, are not found."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.core.search import SearchDocument, SearchSource
from strom.guidelines.models import GuidelineLanguage
from strom.guidelines.selectors import reading


def guideline_document(row: GuidelineLanguage) -> SearchDocument | None:
    guideline = row.guideline
    version = guideline.published_version
    if version is None:
        return None
    version.guideline = guideline
    read = reading(version, row.language)
    own = [s for s in read.sections if not s.fallback]
    if read.title_fallback and not own:
        return None
    body = "\n\n".join(
        [read.summary if not read.title_fallback else "", *(f"{s.heading}\n{s.body}" for s in own)]
    )
    url = reverse("guidelines:detail", kwargs={"slug": guideline.slug})
    return SearchDocument(
        title=read.title,
        body=body.strip(),
        language=row.language,
        url=f"{url}?lang={row.language}",
        public=True,
        country=guideline.country,
        year=version.published_at.year if version.published_at else None,
        type="guideline",
        themes=tuple(guideline.themes),
        stages=tuple(guideline.stages),
        sectors=tuple(guideline.sectors),
    )


SOURCE = SearchSource(
    kind="guideline",
    label=_("Guidelines"),
    model=GuidelineLanguage,
    document=guideline_document,
)
