"""Who may see and change users and memberships. Missing and forbidden both raise NotAllowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import Invitation, Membership, User, UserQuerySet


def users_visible_to(actor: User, qs: UserQuerySet) -> UserQuerySet:
    """Colleagues: users with a membership in an organisation where the actor may view users."""
    if not actor.is_authenticated or not actor.is_active:
        return qs.none()
    if actor.has_global(Perm.ORG_USERS_VIEW):
        return qs
    org_ids = actor.org_ids_with(Perm.ORG_USERS_VIEW)
    return qs.filter(Q(pk=actor.pk) | Q(memberships__organisation_id__in=org_ids)).distinct()


def check_may_list_users(actor: User) -> None:
    if not actor.has_any(Perm.ORG_USERS_VIEW):
        raise NotAllowed


def get_user_for(actor: User, user_id: int, *, write: bool = False) -> User:
    from strom.accounts.models import User

    try:
        target = User.visible.visible_to(actor).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not any(
        actor.has_perm_in(Perm.ORG_USERS_MANAGE, m.organisation_id) for m in target.memberships.all()
    ):
        raise NotAllowed
    return target


def get_membership_for(actor: User, membership_id: int, *, write: bool = False) -> Membership:
    from strom.accounts.models import Membership

    perm = Perm.ORG_USERS_MANAGE if write else Perm.ORG_USERS_VIEW
    try:
        membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if not actor.has_perm_in(perm, membership.organisation_id):
        raise NotAllowed
    return membership


def get_invitation_for(actor: User, invitation_id: int) -> Invitation:
    """An open invitation to an organisation where the actor manages users."""
    from strom.accounts.models import Invitation
    from strom.accounts.selectors import open_invitations_visible_to

    try:
        return open_invitations_visible_to(actor).get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
