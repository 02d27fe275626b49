"""What a practice gives the hub's search: its current published version, public-safe fields only
(never contacts, comments or the working copy)."""

from __future__ import annotations

from django.urls import reverse

from strom.core.search import SearchDocument
from strom.practices.models import Practice


def practice_document(practice: Practice) -> SearchDocument | None:
    version = practice.versions.filter(is_current=True).first()
    if version is None:
        return None
    data = version.data
    body = "\n\n".join(
        str(data.get(key) or "")
        for key in ("summary", "problem", "what_was_done", "results")
        if data.get(key)
    )
    languages = data.get("languages") or []
    period = data.get("period") or [None, None]
    return SearchDocument(
        title=version.title,
        body=body,
        language=languages[0] if languages and len(languages[0]) == 2 else "en",
        url=reverse("practices:detail", args=[practice.pk]),
        public=version.public,
        country=version.country,
        year=period[0],
        type=version.level,
        themes=tuple(version.themes),
        forms=tuple(version.forms),
        stages=tuple(version.stages),
        sectors=tuple(version.sectors),
    )
