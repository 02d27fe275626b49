"""Who may see and change the hotline's contacts and tips. Missing and forbidden both raise NotAllowed.

A hotline's operators (hotline.log) log and see every contact and tip of their hotline; its supervisors
(hotline.review in a hotline organisation) see the same and review them. Nobody else sees a contact,
however high their role: a case opened from a contact is seen through the case's own rules. A tip
passed to the police or the labour inspectorate is also seen by the receiving organisation's case
workers and supervisors (case.view there). The public pages' coordinators keep their country's
know-your-rights pages (hotline.public_edit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.roles import OrgType, Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.hotline.models import Contact, ContactQuerySet, Tip, TipQuerySet


def _hotline_org_ids(user: User, perm: Perm) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return {
        m.organisation_id
        for m in user.active_memberships()
        if m.organisation.org_type == OrgType.HOTLINE and m.organisation_id in user.org_ids_with(perm)
    }


def hotline_org_ids(user: User) -> set[int]:
    """The hotlines whose contacts the user sees: where they log or review."""
    return _hotline_org_ids(user, Perm.HOTLINE_LOG) | _hotline_org_ids(user, Perm.HOTLINE_REVIEW)


def log_org_ids(user: User) -> set[int]:
    return _hotline_org_ids(user, Perm.HOTLINE_LOG)


def check_hotline(user: User) -> None:
    """The hotline's pages exist only for its operators and supervisors; for everyone else they are 404."""
    if not hotline_org_ids(user):
        raise NotAllowed


def check_may_log(user: User) -> None:
    if not log_org_ids(user):
        raise NotAllowed


def may_log_in(user: User, organisation_id: int) -> bool:
    return organisation_id in log_org_ids(user)


def may_review(user: User, contact: Contact) -> bool:
    return contact.organisation_id in _hotline_org_ids(user, Perm.HOTLINE_REVIEW)


def contacts_visible_to(user: User, qs: ContactQuerySet) -> ContactQuerySet:
    org_ids = hotline_org_ids(user)
    if not org_ids:
        return qs.none()
    return qs.filter(organisation_id__in=org_ids)


def get_contact_for(user: User, contact_id: int, *, write: bool = False) -> Contact:
    """`write`: an operator of the contact's hotline (supervisors review, they do not rewrite)."""
    from strom.hotline.models import Contact

    try:
        contact = (
            Contact.objects.visible_to(user)
            .select_related("organisation", "municipality", "case", "referred_service", "screening")
            .get(pk=contact_id)
        )
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not may_log_in(user, contact.organisation_id):
        raise NotAllowed
    return contact


def tips_visible_to(user: User, qs: TipQuerySet) -> TipQuerySet:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    org_ids = hotline_org_ids(user)
    receivers = user.org_ids_with(Perm.CASE_VIEW)
    if not org_ids and not receivers:
        return qs.none()
    condition = Q(organisation_id__in=org_ids)
    if receivers:
        condition |= Q(passings__to_organisation_id__in=receivers)
    return qs.filter(condition).distinct()


def get_tip_for(user: User, tip_id: int, *, write: bool = False) -> Tip:
    from strom.hotline.models import Tip

    try:
        tip = Tip.objects.visible_to(user).select_related("organisation", "municipality").get(pk=tip_id)
    except (Tip.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not may_log_in(user, tip.organisation_id):
        raise NotAllowed
    return tip


def may_see_tips(user: User) -> bool:
    return bool(hotline_org_ids(user))


# --- the public front door's pages --------------------------------------------------------------------


def rights_countries(user: User) -> set[str]:
    """The countries whose know-your-rights pages the user keeps: their coordinator's offices' countries."""
    if not user.is_authenticated or not user.is_active:
        return set()
    org_ids = user.org_ids_with(Perm.HOTLINE_PUBLIC_EDIT)
    return {m.organisation.country for m in user.active_memberships() if m.organisation_id in org_ids}


def check_may_edit_rights(user: User, country: str | None = None) -> None:
    countries = rights_countries(user)
    if not countries or (country is not None and country not in countries):
        raise NotAllowed


def may_see_hotline_stats(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_any(Perm.STATS_VIEW))


def check_hotline_stats(user: User) -> None:
    if not may_see_hotline_stats(user):
        raise NotAllowed
