"""Account reads: who may grant what, which users and invitations someone sees."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Invitation, Membership, Notification, User, UserQuerySet
from strom.core.roles import (
    GLOBAL_ROLES,
    GRANTABLE_BY,
    ORG_TYPE_ROLES,
    Perm,
    Role,
    perms_for,
    roles_held_by,
)
from strom.crypto.service import name_index
from strom.directory.models import Organisation, OrganisationQuerySet

if TYPE_CHECKING:
    from django.db.models import QuerySet


def grantable_roles(actor: User, organisation_id: int | None) -> frozenset[Role]:
    """Roles `actor` may grant (and take away) in the organisation; none if they manage nobody there."""
    if not actor.is_authenticated or not actor.is_active:
        return frozenset()
    roles: set[Role] = set()
    for m in actor.active_memberships():
        role = Role(m.role)
        applies = role in GLOBAL_ROLES or m.organisation_id == organisation_id
        if applies and Perm.ORG_USERS_MANAGE in perms_for(role):
            roles |= GRANTABLE_BY.get(role, frozenset())
    return frozenset(roles)


def roles_offered(actor: User, organisation: Organisation) -> frozenset[Role]:
    """Roles to offer when granting in `organisation`: those `actor` may grant that its type may hold.

    Only for choices: managing an existing membership still goes by `grantable_roles`, so a membership
    that breaks the type rule can be changed or ended by those who manage it.
    """
    return grantable_roles(actor, organisation.pk) & roles_held_by(organisation.org_type)


def memberships_breaking_org_types() -> QuerySet[Membership]:
    """Active memberships whose role their organisation's type may not hold (roles.ORG_TYPE_ROLES).

    They are listed for system admins and by `strom check`, never removed: someone decides what each
    person should be.
    """
    allowed = Q(pk__in=[])
    for org_type, roles in ORG_TYPE_ROLES.items():
        allowed |= Q(organisation__org_type=org_type, role__in=[r.value for r in roles])
    return (
        Membership.objects.filter(is_active=True)
        .exclude(allowed)
        .select_related("user", "organisation")
        .order_by("organisation__country", "organisation__name", "user__email")
    )


def organisations_managed_by(actor: User) -> OrganisationQuerySet:
    """Active organisations in which `actor` may invite and manage users."""
    qs = Organisation.objects.filter(is_active=True)
    if actor.has_global(Perm.ORG_USERS_MANAGE):
        return qs
    return qs.filter(pk__in=actor.org_ids_with(Perm.ORG_USERS_MANAGE))


def organisations_viewable_by(actor: User) -> OrganisationQuerySet:
    """Organisations whose staff `actor` may list."""
    if actor.has_global(Perm.ORG_USERS_VIEW):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=actor.org_ids_with(Perm.ORG_USERS_VIEW))


def visible_memberships(actor: User) -> QuerySet[Membership]:
    """Memberships shown next to a user: only those in organisations whose staff `actor` may view."""
    qs = Membership.objects.select_related("organisation").order_by("organisation__name")
    if actor.has_global(Perm.ORG_USERS_VIEW):
        return qs
    return qs.filter(organisation_id__in=actor.org_ids_with(Perm.ORG_USERS_VIEW))


def user_list(
    actor: User,
    *,
    organisation_id: int | None = None,
    role: str = "",
    active: bool | None = None,
    name: str = "",
) -> UserQuerySet:
    """Users `actor` may see, filtered. A name matches exactly (normalised) through the blind index."""
    qs = User.visible.visible_to(actor)
    membership_filter = Q()
    if organisation_id is not None:
        membership_filter &= Q(memberships__organisation_id=organisation_id)
    if role:
        membership_filter &= Q(memberships__role=role)
    if membership_filter:
        # Filters on memberships only count memberships the actor may see.
        visible_ids = visible_memberships(actor).values("pk")
        qs = qs.filter(membership_filter & Q(memberships__pk__in=visible_ids))
    if active is not None:
        qs = qs.filter(is_active=active)
    if name.strip():
        qs = qs.filter(full_name_index=name_index(name))
    return qs.distinct().prefetch_related(
        Prefetch("memberships", queryset=visible_memberships(actor), to_attr="shown_memberships")
    )


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation for a token from an e-mail, open or not; None when the token is unknown."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def open_invitations_visible_to(actor: User) -> QuerySet[Invitation]:
    qs = Invitation.objects.select_related("organisation", "invited_by").filter(
        accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )
    if actor.has_global(Perm.ORG_USERS_MANAGE):
        return qs
    return qs.filter(organisation_id__in=actor.org_ids_with(Perm.ORG_USERS_MANAGE))


# --- the notifications centre ---------------------------------------------------------------------------

NOTIFICATIONS_SHOWN = 100


def notifications_unread_count(user: User) -> int:
    return int(Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count())


def notification_url(user: User, notification_id: int) -> str:
    """The link of one of the user's own notifications ("" for anyone else's)."""
    url = (
        Notification.objects.filter(user_id=user.pk, pk=notification_id).values_list("url", flat=True).first()
    )
    return url or ""


def notifications_latest(user: User, *, unread_only: bool = False) -> list[Notification]:
    """The user's own notifications, newest first: nobody reads another's."""
    qs = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created_at", "-pk")[:NOTIFICATIONS_SHOWN])


def display_names(user_ids: set[int]) -> dict[int, str]:
    """The names people are shown by (their address when they gave no name), for entries that keep ids.

    A user since erased has no row: callers fall back to what the entry itself stored.
    """
    users = User.objects.filter(pk__in=user_ids).only("pk", "email", "full_name")
    return {user.pk: user.get_full_name() for user in users}
