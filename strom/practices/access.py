"""Who may read, write and review practices. Missing and forbidden both raise NotAllowed.

Decisions (docs/practices.md):
- Readers read the current published version. Members (anyone with `hub.view`, i.e. a membership)
  read every published practice; a reader without one (not logged in, or an account without a
  membership) reads those published as public, and only where `STROM_HUB_PUBLIC` is on.
- The working copy (drafts, the review, the comments) is seen by the editors of the organisation that
  keeps the practice (`practices.edit` there) and, once submitted, by reviewers (`practices.review`).
- A reviewer may not review a practice of an organisation they belong to, nor one they wrote: the
  review is a second pair of eyes from outside. Reviewing is regional: a reviewer reviews the
  practices of any other organisation, in any country.
- Contacts are shown to logged-in members only, never to a public reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q

from strom.accounts.models import User
from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.practices.models import (
        Practice,
        PracticeAttachment,
        PracticeContactQuerySet,
        PracticeQuerySet,
        PracticeVersionQuerySet,
    )


def _user(user: Any) -> User | None:
    """The logged-in, active user, or None for a reader without an account."""
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def is_member(user: Any) -> bool:
    member = _user(user)
    return member is not None and member.has_any(Perm.HUB_VIEW)


def public_reading() -> bool:
    return bool(settings.STROM_HUB_PUBLIC)


def editing_org_ids(user: Any) -> set[int]:
    member = _user(user)
    return member.org_ids_with(Perm.PRACTICES_EDIT) if member is not None else set()


def may_create(user: Any) -> bool:
    member = _user(user)
    return member is not None and member.has_any(Perm.PRACTICES_EDIT)


def is_reviewer(user: Any) -> bool:
    member = _user(user)
    return member is not None and member.has_any(Perm.PRACTICES_REVIEW)


def may_edit(user: Any, practice: Practice) -> bool:
    member = _user(user)
    return member is not None and member.has_perm_in(Perm.PRACTICES_EDIT, practice.organisation_id)


def own_org_ids(user: Any) -> set[int]:
    member = _user(user)
    return {m.organisation_id for m in member.active_memberships()} if member is not None else set()


def may_review(user: Any, practice: Practice) -> bool:
    """A reviewer from outside the practice's organisation who did not write it."""
    member = _user(user)
    return (
        member is not None
        and is_reviewer(member)
        and practice.organisation_id not in own_org_ids(member)
        and practice.created_by_id != member.pk
    )


def may_see_working_copy(user: Any, practice: Practice) -> bool:
    from strom.practices.models import PracticeState

    return may_edit(user, practice) or (may_review(user, practice) and practice.state != PracticeState.DRAFT)


def versions_visible_to(user: Any, qs: PracticeVersionQuerySet) -> PracticeVersionQuerySet:
    """Published versions the reader may read: every one for members, public ones of a practice whose
    current version is public for the others (where the instance allows it)."""
    if is_member(user):
        return qs
    if public_reading():
        return qs.filter(practice__versions__is_current=True, practice__versions__public=True)
    return qs.none()


def working_copies(user: Any) -> Q:
    """The practices whose working copy the user sees: their organisation's, and those with the reviewers."""
    from strom.practices.models import PracticeState

    member = _user(user)
    if member is None:
        return Q(pk__in=[])
    allowed = Q(organisation_id__in=editing_org_ids(member))
    if is_reviewer(member):
        allowed |= ~Q(state=PracticeState.DRAFT) & ~Q(organisation_id__in=own_org_ids(member))
    return allowed


def practices_visible_to(user: Any, qs: PracticeQuerySet) -> PracticeQuerySet:
    """Practices the user may open: a working copy they may see, or one with a version they may read."""
    if is_member(user):
        published = Q(versions__is_current=True)
    elif public_reading():
        published = Q(versions__is_current=True, versions__public=True)
    else:
        published = Q(pk__in=[])
    return qs.filter(published | working_copies(user)).distinct()


def contacts_visible_to(user: Any, qs: PracticeContactQuerySet) -> PracticeContactQuerySet:
    """Logged-in members only: those who may see the working copy, and members reading it published."""
    if not is_member(user):
        return qs.none()
    return qs.filter(Q(practice__versions__is_current=True) | Q(practice__in=_working_practice_ids(user)))


def _working_practice_ids(user: Any) -> Any:
    from strom.practices.models import Practice

    return Practice.objects.filter(working_copies(user)).values("pk")


def get_practice_for(user: Any, practice_id: int, *, edit: bool = False, review: bool = False) -> Practice:
    """The practice if the user may open it; `edit` asks for its editors, `review` for a reviewer
    who may review it (the state is the service's business, not access)."""
    from strom.practices.models import Practice

    try:
        practice = (
            Practice.objects.visible_to(user)
            .select_related("organisation", "municipality")
            .get(pk=int(practice_id))
        )
    except (Practice.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotAllowed from None
    if edit and not may_edit(user, practice):
        raise NotAllowed
    if review and not may_review(user, practice):
        raise NotAllowed
    return practice


def get_attachment_for(user: Any, attachment_id: int) -> PracticeAttachment:
    """An attachment of a practice the reader may open (published or working copy)."""
    from strom.practices.models import PracticeAttachment

    try:
        attachment = PracticeAttachment.objects.select_related("practice").get(pk=int(attachment_id))
    except (PracticeAttachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotAllowed from None
    get_practice_for(user, attachment.practice_id)
    return attachment


def check_may_create_for(user: Any, organisation_id: int) -> None:
    member = _user(user)
    if member is None or not member.has_perm_in(Perm.PRACTICES_EDIT, organisation_id):
        raise NotAllowed


def check_member(user: Any) -> None:
    if not is_member(user):
        raise NotAllowed
