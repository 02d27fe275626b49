"""Screenings on the case timeline: "Screening: strong indications…", linked to the saved screening.
Read with screenings_for(user, case=...), as the case page's screening section is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.core.registry import TimelineItem, register_timeline_source
from strom.screening.scoring import LEVEL_LABELS

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


@register_timeline_source
def screening_items(user: User, case: Case) -> list[TimelineItem]:
    from strom.screening.selectors import screenings_for

    items: list[TimelineItem] = []
    for screening in screenings_for(user, case=case):
        level = LEVEL_LABELS.get(screening.level, screening.level)
        title = _("Screening: %(level)s") % {"level": level}
        if screening.converted_at is not None:
            title += " " + _("(anonymous pre-screening, converted into this case)")
        items.append(
            TimelineItem(
                at=screening.created_at,
                kind="screening",
                title=title,
                actor=screening.created_by.get_full_name(),
                url=reverse("screening:detail", kwargs={"screening_id": screening.pk}),
            )
        )
    return items
