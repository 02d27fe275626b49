"""Who may read and keep referral pathways. Missing and forbidden both raise NotAllowed."""

from __future__ import annotations

from strom.accounts.models import User
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType, Perm
from strom.directory.access import check_directory_allowed
from strom.directory.models import Municipality, Organisation


def can_edit_pathway(user: User, municipality: Municipality) -> bool:
    """National coordinators of the municipality's country, and admins of the municipality's own
    organisations (type Municipality), keep its pathway."""
    if not user.is_authenticated or not user.is_active:
        return False
    coordinator_orgs = user.org_ids_with(Perm.NRM_OVERSEE)
    if (
        coordinator_orgs
        and Organisation.objects.filter(
            pk__in=coordinator_orgs, country=municipality.country, is_active=True
        ).exists()
    ):
        return True
    municipal_orgs = Organisation.objects.filter(
        municipality=municipality, org_type=OrgType.MUNICIPALITY, is_active=True
    ).values_list("pk", flat=True)
    return any(user.has_perm_in(Perm.ORG_EDIT, pk) for pk in municipal_orgs)


def get_municipality_for(user: User, municipality_id: int, *, write: bool = False) -> Municipality:
    check_directory_allowed(user)
    try:
        municipality = Municipality.objects.visible_to(user).get(pk=municipality_id)
    except (Municipality.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not can_edit_pathway(user, municipality):
        raise NotAllowed
    return municipality
