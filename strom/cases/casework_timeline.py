"""The case page timeline's entries for opening and editing the case, the person and their documents.

Read from the audit log, which already records each of these writes: no second copy of the history.
Details hold field names only, so the titles name what changed, not the values. Everyone who may see
the case sees its person and identity documents on the case page, so these entries follow the case and
the person: each is read only when `visible_to(user)` lets the viewer see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, Q
from django.utils.translation import gettext as _

from strom.accounts.selectors import display_names
from strom.audit.models import AuditEntry
from strom.cases.choices import DocumentType
from strom.cases.models import Case, Person
from strom.core.registry import TimelineItem, register_timeline_source

if TYPE_CHECKING:
    from strom.accounts.models import User

CASE_ACTIONS = ("case.open", "case.update")
PERSON_ACTIONS = ("person.create", "person.update", "person.document_add")


def _labels(model: type[models.Model], names: list[str]) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)


def _title(entry: AuditEntry) -> str:
    fields = list(entry.details.get("fields", [])) if isinstance(entry.details, dict) else []
    if entry.action == "case.open":
        return _("Case opened")
    if entry.action == "case.update":
        return _("Case details changed: %(fields)s") % {"fields": _labels(Case, fields)}
    if entry.action == "person.create":
        return _("Person recorded")
    if entry.action == "person.update":
        return _("Person's details changed: %(fields)s") % {"fields": _labels(Person, fields)}
    doc_type = entry.details.get("doc_type", "") if isinstance(entry.details, dict) else ""
    return _("Identity document added: %(type)s") % {
        "type": dict(DocumentType.choices).get(doc_type, doc_type)
    }


@register_timeline_source
def casework_items(user: User, case: Case) -> list[TimelineItem]:
    # The audit log knows no viewer: the entries follow the case and the person, asked in the same
    # query through their own visible_to(user), so a viewer who may not see the case gets none.
    visible_case = Exists(Case.objects.visible_to(user).filter(pk=case.pk))
    visible_person = Exists(Person.objects.visible_to(user).filter(pk=case.person_id))
    entries = AuditEntry.objects.filter(
        Q(visible_case, object_type="case", object_ref=case.ref, action__in=CASE_ACTIONS)
        | Q(visible_person, object_type="person", object_ref=str(case.person_id), action__in=PERSON_ACTIONS)
    ).order_by("-seq")[:100]
    names = display_names({e.actor_id for e in entries if e.actor_id is not None})
    return [
        TimelineItem(
            at=e.at,
            kind=e.action.replace(".", "_"),
            title=_title(e),
            actor=names.get(e.actor_id or 0) or e.actor_display,
        )
        for e in entries
    ]
