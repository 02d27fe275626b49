"""What the hub's search finds of a recommendation (strom/core/search.py): its text, source and
addressee, published to members. Recommendations hold no personal data."""

from __future__ import annotations

from django.urls import reverse

from strom.actionplans.models import Recommendation
from strom.core.search import SearchDocument


def recommendation_document(recommendation: Recommendation) -> SearchDocument:
    return SearchDocument(
        title=recommendation.short_text,
        body="\n".join(
            part for part in (recommendation.text, recommendation.source, recommendation.addressee) if part
        ),
        language=recommendation.language,
        url=reverse("actionplans:recommendation", args=[recommendation.pk]),
        country=recommendation.addressee_country,
        year=recommendation.year,
        type=recommendation.source_kind,
        themes=tuple(recommendation.themes),
    )
