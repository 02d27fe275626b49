"""Who may see and change organisations. Missing and forbidden both raise NotAllowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Organisation, OrganisationQuerySet


def organisations_visible_to(user: User, qs: OrganisationQuerySet) -> OrganisationQuerySet:
    # The cooperation network is visible to every logged-in member: finding partners is its purpose.
    # Inactive organisations stay visible only to system admins.
    if not user.is_authenticated or not user.is_active or not user.has_any(Perm.DIRECTORY_VIEW):
        return qs.none()
    if user.has_global(Perm.SYSTEM_MANAGE):
        return qs
    return qs.filter(is_active=True)


def get_organisation_for(user: User, organisation_id: int, *, write: bool = False) -> Organisation:
    from strom.directory.models import Organisation

    try:
        org = Organisation.objects.visible_to(user).get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not user.has_perm_in(Perm.ORG_EDIT, org.pk):
        raise NotAllowed
    return org


def check_directory_allowed(user: User) -> None:
    """The directory pages and API are for members of an organisation; everyone else is refused."""
    if not user.is_authenticated or not user.has_any(Perm.DIRECTORY_VIEW):
        raise NotAllowed


def may_manage_directory(user: User) -> bool:
    """Creating organisations and municipalities is for system admins."""
    return user.is_authenticated and user.has_global(Perm.SYSTEM_MANAGE)


def check_may_manage_directory(user: User) -> None:
    if not may_manage_directory(user):
        raise NotAllowed


def may_edit_organisation(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and user.has_perm_in(Perm.ORG_EDIT, organisation.pk)


def may_view_organisation_users(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and user.has_perm_in(Perm.ORG_USERS_VIEW, organisation.pk)
