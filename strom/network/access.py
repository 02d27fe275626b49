"""Who may see and change network services. Missing and forbidden both raise NotAllowed.

Decision: every member with Perm.DIRECTORY_VIEW sees active services (finding partners is the point of
the network). Organisation admins (Perm.ORG_EDIT in the providing organisation) and system admins edit
the entry. Free places may also be updated by the providing organisation's case workers and supervisors
(Perm.CASE_EDIT there): the shelter worker on the night shift knows the number, the admin does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.audit.actors import DEMO, NETWORK_IMPORT, SystemActor
from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.network.models import NetworkService, NetworkServiceQuerySet


# The system jobs that keep network entries: the operator's `strom network import` and the demo data.
SERVICE_KEEPERS = (NETWORK_IMPORT, DEMO)


def services_visible_to(user: User, qs: NetworkServiceQuerySet) -> NetworkServiceQuerySet:
    if not user.is_authenticated or not user.is_active or not user.has_any(Perm.DIRECTORY_VIEW):
        return qs.none()
    if user.has_global(Perm.SYSTEM_MANAGE):
        return qs
    # Inactive entries stay visible to the organisation that keeps them, so it can switch them back on.
    from django.db.models import Q

    return qs.filter(
        Q(is_active=True, organisation__is_active=True)
        | Q(organisation_id__in=user.org_ids_with(Perm.ORG_EDIT))
    )


def check_network_allowed(user: User) -> None:
    if not user.is_authenticated or not user.has_any(Perm.DIRECTORY_VIEW):
        raise NotAllowed


def may_edit_service_of(user: User | SystemActor, organisation_id: int) -> bool:
    if isinstance(user, SystemActor):
        return user in SERVICE_KEEPERS
    return user.is_authenticated and user.has_perm_in(Perm.ORG_EDIT, organisation_id)


def may_update_capacity(user: User | SystemActor, service: NetworkService) -> bool:
    if isinstance(user, SystemActor):
        return user in SERVICE_KEEPERS
    return user.is_authenticated and (
        user.has_perm_in(Perm.ORG_EDIT, service.organisation_id)
        or user.has_perm_in(Perm.CASE_EDIT, service.organisation_id)
    )


def may_create_services(user: User) -> bool:
    return user.is_authenticated and bool(user.org_ids_with(Perm.ORG_EDIT) or user.has_global(Perm.ORG_EDIT))


def check_may_create_services(user: User) -> None:
    if not may_create_services(user):
        raise NotAllowed


def check_may_see_freshness(user: User) -> None:
    if not user.is_authenticated or not (
        user.has_any(Perm.NRM_OVERSEE) or user.has_global(Perm.SYSTEM_MANAGE)
    ):
        raise NotAllowed


def get_service_for(
    user: User, service_id: int, *, write: bool = False, capacity: bool = False
) -> NetworkService:
    from strom.network.models import NetworkService

    try:
        service = NetworkService.objects.visible_to(user).select_related("organisation").get(pk=service_id)
    except (NetworkService.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not may_edit_service_of(user, service.organisation_id):
        raise NotAllowed
    if capacity and not may_update_capacity(user, service):
        raise NotAllowed
    return service
