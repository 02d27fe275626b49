"""Who may see and act on partner instances and transnational referrals.

A focal point is a user holding trm.focal_point in an organisation that the network directory marks
as a transnational referral focal point (an active service with `trm_focal_point`). They send from
the cases of that organisation and answer what partners send to it. Whoever may see a case also sees
the transnational referrals sent from it. Partners (no personal data) are managed by system admins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.cases import access as case_access
from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.transnational.models import (
        OutboxQuerySet,
        Partner,
        TransnationalReferral,
        TransnationalReferralQuerySet,
    )


def focal_point_org_ids(user: User) -> set[int]:
    """The organisations where `user` acts as the transnational focal point."""
    from strom.network.models import NetworkService

    if not user.is_authenticated or not user.is_active:
        return set()
    held = user.org_ids_with(Perm.TRM_FOCAL_POINT)
    if not held:
        return set()
    marked = NetworkService.objects.filter(
        organisation_id__in=held, trm_focal_point=True, is_active=True
    ).values_list("organisation_id", flat=True)
    return set(marked)


def referrals_visible_to(user: User, qs: TransnationalReferralQuerySet) -> TransnationalReferralQuerySet:
    from strom.cases.models import Case

    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(
        Q(case__in=Case.objects.visible_to(user)) | Q(organisation_id__in=focal_point_org_ids(user))
    )


def outbox_visible_to(user: User, qs: OutboxQuerySet) -> OutboxQuerySet:
    """System admins see every queued message (its metadata: the body is never shown); others the
    messages of referrals they see."""
    from strom.transnational.models import TransnationalReferral

    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_global(Perm.SYSTEM_MANAGE):
        return qs
    return qs.filter(referral__in=TransnationalReferral.objects.visible_to(user))


def can_manage_partners(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_global(Perm.SYSTEM_MANAGE)


def check_manage_partners(user: User) -> None:
    if not can_manage_partners(user):
        raise NotAllowed


def get_partner_for(user: User, partner_id: int) -> Partner:
    from strom.transnational.models import Partner

    check_manage_partners(user)
    try:
        return Partner.objects.select_related("organisation").get(pk=partner_id)
    except (Partner.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None


def may_send_from(user: User, case: Case) -> bool:
    """Send a transnational referral of `case`: a focal point of the case's organisation who may edit it."""
    return case.organisation_id in focal_point_org_ids(user) and case_access.can_edit_case(user, case)


def get_referral_for(user: User, referral_id: int, *, write: bool = False) -> TransnationalReferral:
    """A referral the user sees; `write`: one they may act on as the focal point of its organisation."""
    from strom.transnational.models import TransnationalReferral

    try:
        referral = (
            TransnationalReferral.objects.visible_to(user)
            .select_related("partner", "organisation", "case")
            .get(pk=referral_id)
        )
    except (TransnationalReferral.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and referral.organisation_id not in focal_point_org_ids(user):
        raise NotAllowed
    return referral
