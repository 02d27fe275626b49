"""Who may see duplicate pairs and merge persons.

Pairs are shown to someone who may see both persons (`CandidatePair.objects.visible_to`) and sees
personal data. A merge needs case.edit in the organisation that holds both persons and every case
of theirs: a merge never crosses organisations (a referral or a transfer does that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from strom.cases.models import Case, Person
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.linkage.models import CandidatePair, PersonMerge

if TYPE_CHECKING:
    from strom.accounts.models import User


def may_review(user: User) -> bool:
    return user.is_active and bool(
        user.org_ids_with(Perm.PERSONAL_DATA_VIEW) & user.org_ids_with(Perm.CASE_VIEW)
    )


def may_run_system_wide(user: User) -> bool:
    return user.is_active and user.has_global(Perm.SYSTEM_MANAGE)


def check_reviewer(user: User) -> None:
    if not may_review(user):
        raise NotAllowed(_("You may not review duplicate records."))


def get_pair_for(user: User, pair_id: int, *, write: bool = False) -> CandidatePair:
    check_reviewer(user)
    pair = (
        CandidatePair.objects.visible_to(user)
        .select_related("person_a", "person_b")
        .filter(pk=pair_id)
        .first()
    )
    if pair is None:
        raise NotAllowed(_("No such pair."))
    if write and not can_merge(user, pair.person_a, pair.person_b):
        raise NotAllowed(_("You may not merge or dismiss this pair."))
    return pair


def one_organisation(a: Person, b: Person) -> int | None:
    """The organisation holding both persons and all their cases, or None when they are in several."""
    if a.organisation_id != b.organisation_id:
        return None
    elsewhere = Case.objects.filter(person__in=[a, b]).exclude(organisation_id=a.organisation_id).exists()
    return None if elsewhere else a.organisation_id


def can_merge(user: User, a: Person, b: Person) -> bool:
    organisation_id = a.organisation_id if a.organisation_id == b.organisation_id else None
    return organisation_id is not None and user.has_perm_in(Perm.CASE_EDIT, organisation_id)


def get_merge_for(user: User, merge_id: int, *, write: bool = False) -> PersonMerge:
    check_reviewer(user)
    merge = PersonMerge.objects.visible_to(user).select_related("kept", "merged").filter(pk=merge_id).first()
    if merge is None:
        raise NotAllowed(_("No such merge."))
    if write and not user.has_perm_in(Perm.CASE_EDIT, merge.kept.organisation_id):
        raise NotAllowed(_("You may not undo this merge."))
    return merge
