"""Who may see and change the parts of a case file. Missing and forbidden both raise NotAllowed.

Built on strom.cases.access: everything here starts from `get_case_for`, so a user who cannot see the
case cannot reach any of its events, notes, documents or perpetrators.

- Events, non-restricted notes, document list and downloads: everyone who can see the case.
- Adding events, notes and documents: everyone who can edit the case (can_edit_case).
- Restricted notes: their author and the supervisors (case.assign) of the case's organisation.
- Editing a note: its author only, while they can still edit the case.
- Perpetrators (read and write): only users holding case.edit in the case's organisation. A hotline
  operator who owns a case they opened sees the case but not its perpetrator records: those are
  the data investigations depend on and a trafficker's name in the wrong hands endangers the person.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q

from strom.casefile.models import CaseDocument, CaseNote, Perpetrator, TraffickingEvent
from strom.cases.access import can_edit_case, get_case_for
from strom.cases.models import Case
from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from strom.accounts.models import User
    from strom.casefile.models import CaseNoteQuerySet, PerpetratorQuerySet


def can_see_perpetrators(user: User, case: Case) -> bool:
    return case.anonymised_at is None and user.has_perm_in(Perm.CASE_EDIT, case.organisation_id)


def can_edit_perpetrators(user: User, case: Case) -> bool:
    return can_see_perpetrators(user, case) and can_edit_case(user, case)


def can_edit_note(user: User, note: CaseNote) -> bool:
    return note.author_id == user.pk and can_edit_case(user, note.case)


def perpetrator_rows_visible_to(user: User, qs: PerpetratorQuerySet) -> PerpetratorQuerySet:
    """The perpetrator rule (`can_see_perpetrators`) for any rows: Perpetrator.objects.visible_to(user)."""
    cases = Case.objects.visible_to(user).filter(anonymised_at__isnull=True)
    if not user.has_global(Perm.CASE_EDIT):
        cases = cases.filter(organisation_id__in=user.org_ids_with(Perm.CASE_EDIT))
    return qs.filter(case__in=cases)


def note_rows_visible_to(user: User, qs: CaseNoteQuerySet) -> CaseNoteQuerySet:
    """The note rule (a restricted note is its author's and the supervisors' only) for any rows:
    CaseNote.objects.visible_to(user)."""
    qs = qs.filter(case__in=Case.objects.visible_to(user))
    if user.has_global(Perm.CASE_ASSIGN):
        return qs
    supervised = Q(case__organisation_id__in=user.org_ids_with(Perm.CASE_ASSIGN))
    return qs.filter(supervised | Q(restricted=False) | Q(author_id=user.pk))


# One case's rows for a viewer: the rows' own `visible_to(user)`, so a section, a timeline source or an
# API list shows nothing of a case the viewer may not see, whatever case its caller hands it.


def events_visible_to(user: User, case: Case) -> QuerySet[TraffickingEvent]:
    """Chronological: by start date (undated last), then by when they were recorded."""
    return TraffickingEvent.objects.visible_to(user).filter(case=case)


def documents_visible_to(user: User, case: Case) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.visible_to(user).filter(case=case)


def notes_visible_to(user: User, case: Case) -> QuerySet[CaseNote]:
    return CaseNote.objects.visible_to(user).filter(case=case)


def perpetrators_visible_to(user: User, case: Case) -> QuerySet[Perpetrator]:
    return Perpetrator.objects.visible_to(user).filter(case=case)


def get_event_for(user: User, ref: str, event_id: int, *, write: bool = False) -> TraffickingEvent:
    case = get_case_for(user, ref, write=write)
    try:
        event = events_visible_to(user, case).get(pk=event_id)
    except TraffickingEvent.DoesNotExist:
        raise NotAllowed from None
    event.case = case
    return event


def get_perpetrator_for(user: User, ref: str, perpetrator_id: int, *, write: bool = False) -> Perpetrator:
    case = get_case_for(user, ref, write=write)
    allowed = can_edit_perpetrators(user, case) if write else can_see_perpetrators(user, case)
    if not allowed:
        raise NotAllowed
    try:
        perpetrator = perpetrators_visible_to(user, case).get(pk=perpetrator_id)
    except Perpetrator.DoesNotExist:
        raise NotAllowed from None
    perpetrator.case = case
    return perpetrator


def get_note_for(user: User, ref: str, note_id: int, *, write: bool = False) -> CaseNote:
    case = get_case_for(user, ref, write=write)
    try:
        note = notes_visible_to(user, case).get(pk=note_id)
    except CaseNote.DoesNotExist:
        raise NotAllowed from None
    note.case = case
    if write and not can_edit_note(user, note):
        raise NotAllowed
    return note


def get_document_for(user: User, ref: str, document_uuid: uuid.UUID | str) -> CaseDocument:
    case = get_case_for(user, ref)
    try:
        document = documents_visible_to(user, case).get(uuid=document_uuid)
    except (CaseDocument.DoesNotExist, ValueError, ValidationError):
        raise NotAllowed from None
    document.case = case
    return document


def check_may_add_perpetrators(user: User, case: Case) -> None:
    if not can_edit_perpetrators(user, case):
        raise NotAllowed
