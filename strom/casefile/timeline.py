"""Timeline sources for the case page: events recorded, perpetrators added, notes added, documents uploaded.

Titles carry no content: not the note's text, not the document's title (it is encrypted because
titles identify), not the perpetrator's name. Each source reads through the same access functions as
the section it stands for (strom/casefile/access.py and selectors.py): a viewer who may not see
perpetrators gets no perpetrator entry at all, and a restricted note appears only to those who may read
it (its author and the supervisors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.casefile import access
from strom.core.registry import TimelineItem, register_timeline_source

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


def _section(case: Case, anchor: str) -> str:
    return reverse("casefile:overview", kwargs={"ref": case.ref}) + "#" + anchor


@register_timeline_source
def events(user: User, case: Case) -> list[TimelineItem]:
    rows = (
        access.events_visible_to(user, case)
        .select_related("created_by")
        .only("event_type", "created_at", "created_by__full_name", "created_by__email")
    )
    url = _section(case, "casefile-events")
    return [
        TimelineItem(
            at=event.created_at,
            kind="event",
            title=_("Trafficking event recorded: %(type)s") % {"type": event.get_event_type_display()},
            actor=event.created_by.get_full_name(),
            url=url,
        )
        for event in rows
    ]


@register_timeline_source
def perpetrators(user: User, case: Case) -> list[TimelineItem]:
    rows = (
        access.perpetrators_visible_to(user, case)
        .select_related("created_by")
        .only("created_at", "created_by__full_name", "created_by__email")
    )
    return [
        TimelineItem(
            at=p.created_at,
            kind="perpetrator",
            title=_("Perpetrator record added"),
            actor=p.created_by.get_full_name(),
        )
        for p in rows
    ]


@register_timeline_source
def notes(user: User, case: Case) -> list[TimelineItem]:
    rows = (
        access.notes_visible_to(user, case)
        .select_related("author")
        .only("created_at", "restricted", "author__full_name", "author__email")
    )
    url = _section(case, "casefile-notes")
    items = []
    for note in rows:
        author = note.author.get_full_name()
        title = (_("Restricted note by %(author)s") if note.restricted else _("Note by %(author)s")) % {
            "author": author
        }
        items.append(TimelineItem(at=note.created_at, kind="note", title=title, actor=author, url=url))
    return items


@register_timeline_source
def documents(user: User, case: Case) -> list[TimelineItem]:
    rows = (
        access.documents_visible_to(user, case)
        .select_related("uploaded_by")
        .only("kind", "uploaded_at", "uploaded_by__full_name", "uploaded_by__email")
    )
    url = _section(case, "casefile-documents")
    return [
        TimelineItem(
            at=doc.uploaded_at,
            kind="document",
            title=_("Document uploaded: %(kind)s") % {"kind": doc.get_kind_display()},
            actor=doc.uploaded_by.get_full_name(),
            url=url,
        )
        for doc in rows
    ]
