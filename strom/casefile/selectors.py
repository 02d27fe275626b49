"""Reads for the case file, and the context the case page needs to show its sections.

The case page (strom/cases) includes the four section templates with the context from
`casefile_sections_context(user, case)`:

    {% include "casefile/_events.html" %}        events, oldest first
    {% include "casefile/_perpetrators.html" %}  only rendered for users who may see perpetrators
    {% include "casefile/_notes.html" %}         newest first, restricted ones filtered per user
    {% include "casefile/_documents.html" %}     metadata only; files through the download view

The function does not write an audit entry: the page that shows the case records one read of the
case for the whole response (audit_read), which covers these sections.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from strom.casefile import access
from strom.casefile.choices import DocumentKind
from strom.casefile.filetypes import ALLOWED, allowed_extensions
from strom.casefile.forms import NoteForm
from strom.casefile.models import CaseDocument, CaseNote, Perpetrator, TraffickingEvent
from strom.cases.access import can_edit_case
from strom.cases.choices import Exploitation
from strom.cases.models import Case
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User


# A viewer of the case reads through the access functions (`access.events_visible_to(user, case)` and
# the like). `events_for` and `documents_for` read every row of the case for the one reader whose access
# is not the case's: the receiver of a referral, whose scope `referrals.access.receiver_scope` decides.


def events_for(case: Case) -> QuerySet[TraffickingEvent]:
    """Chronological: by start date (undated last), then by when they were recorded."""
    return TraffickingEvent.objects.filter(case=case)


def _document_list(documents: QuerySet[CaseDocument]) -> QuerySet[CaseDocument]:
    return documents.select_related("uploaded_by").defer("data_key", "storage_name")


def documents_for(case: Case) -> QuerySet[CaseDocument]:
    return _document_list(CaseDocument.objects.filter(case=case))


def visible_documents(user: User, case: Case) -> QuerySet[CaseDocument]:
    return _document_list(access.documents_visible_to(user, case))


def visible_notes(user: User, case: Case) -> QuerySet[CaseNote]:
    return access.notes_visible_to(user, case).select_related("author")


def notes_for(user: User, case: Case) -> QuerySet[CaseNote]:
    """The note rule alone on the notes of a case the caller let `user` into: a restricted note is its
    author's and the supervisors' only. Pages and the API read `visible_notes`, which asks the case's
    rule too."""
    notes = CaseNote.objects.filter(case=case).select_related("author")
    if not user.has_perm_in(Perm.CASE_ASSIGN, case.organisation_id):
        notes = notes.filter(Q(restricted=False) | Q(author_id=user.pk))
    return notes


def forms_of_exploitation_for(case: Case) -> list[str]:
    """The case's forms of exploitation together with those of its events, in the value set's order."""
    found = set(case.forms_of_exploitation)
    for forms in TraffickingEvent.objects.filter(case=case).values_list("forms_of_exploitation", flat=True):
        found.update(forms)
    return [value for value in Exploitation.values if value in found]


def same_name_elsewhere(user: User, case: Case, perpetrators: list[Perpetrator]) -> dict[int, list[str]]:
    """For each perpetrator, the other cases of the organisation (that the user may see) with a
    perpetrator of the same name (transliteration-aware blind index, exact match). One query."""
    if not perpetrators or not access.can_see_perpetrators(user, case):
        return {}
    by_index: dict[str, list[int]] = defaultdict(list)
    for p in perpetrators:
        if p.name_index:
            by_index[p.name_index].append(p.pk)
    if not by_index:
        return {}
    rows = (
        Perpetrator.objects.visible_to(user)
        .filter(name_index__in=list(by_index), case__organisation_id=case.organisation_id)
        .exclude(case_id=case.pk)
        .values_list("name_index", "case__ref")
        .distinct()
        .order_by("case__ref")
    )
    result: dict[int, list[str]] = defaultdict(list)
    for index, ref in rows:
        for pk in by_index[index]:
            result[pk].append(ref)
    return dict(result)


def casefile_sections_context(user: User, case: Case) -> dict[str, Any]:
    """Everything the four section templates need; see the module docstring for the include contract."""
    may_edit = can_edit_case(user, case)
    may_see_perpetrators = access.can_see_perpetrators(user, case)
    perpetrators = list(access.perpetrators_visible_to(user, case)) if may_see_perpetrators else []
    return {
        "case": case,
        "casefile_events": list(access.events_visible_to(user, case)),
        "casefile_notes": list(visible_notes(user, case)),
        "casefile_documents": list(visible_documents(user, case)),
        "casefile_perpetrators": perpetrators,
        "casefile_perpetrator_matches": same_name_elsewhere(user, case, perpetrators),
        "casefile_may_edit": may_edit,
        "casefile_may_see_perpetrators": may_see_perpetrators,
        "casefile_may_edit_perpetrators": access.can_edit_perpetrators(user, case),
        "casefile_note_form": NoteForm() if may_edit else None,
        "casefile_user_id": user.pk,
        "casefile_document_kinds": DocumentKind,
        "casefile_allowed_types": ", ".join(str(t.label) for t in ALLOWED),
        "casefile_allowed_extensions": allowed_extensions(),
    }
