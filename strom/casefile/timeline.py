"""Timeline sources for the case page: events recorded, perpetrators added, notes added, documents uploaded.

Titles carry no content: not the note's text (it may be restricted), not the document's title (it
is encrypted because titles identify), not the perpetrator's name (only editors may see it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.casefile.models import CaseDocument, CaseNote, Perpetrator, TraffickingEvent
from strom.cases.timeline import TimelineItem, register

if TYPE_CHECKING:
    from strom.cases.models import Case


def _section(case: Case, anchor: str) -> str:
    return reverse("casefile:overview", kwargs={"ref": case.ref}) + "#" + anchor


@register
def events(case: Case) -> list[TimelineItem]:
    rows = (
        TraffickingEvent.objects.filter(case=case)
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


@register
def perpetrators(case: Case) -> list[TimelineItem]:
    rows = (
        Perpetrator.objects.filter(case=case)
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


@register
def notes(case: Case) -> list[TimelineItem]:
    rows = (
        CaseNote.objects.filter(case=case)
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


@register
def documents(case: Case) -> list[TimelineItem]:
    rows = (
        CaseDocument.objects.filter(case=case)
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
