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
    # The original texts and every translation: a search in any of the record's languages finds it.
    texts = [data, *(data.get("translations") or {}).values()]
    body = "\n\n".join(
        str(text.get(key) or "")
        for text in texts
        for key in ("summary", "problem", "what_was_done", "results")
        if text.get(key)
    )
    translated_titles = [str(t.get("title") or "") for t in texts[1:]]
    if translated_titles:
        body = "\n\n".join([*translated_titles, body])
    languages = [data["original_language"]] if data.get("original_language") else data.get("languages") or []
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
