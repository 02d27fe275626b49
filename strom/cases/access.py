"""Who may see and change cases. Missing and forbidden both raise NotAllowed.

A case is visible to the members of its organisation who hold case.view, and to its case worker.
Referrals (a later issue) add scoped access for receiving organisations here, in one place.
Org admins, system admins and analysts see no case by virtue of those roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case, CaseQuerySet, Person


def _case_scope(user: User) -> tuple[set[int], set[int]]:
    """(organisations whose cases `user` sees, organisations where they see only the cases they hold).

    Where a user may open cases but not view the organisation's others (hotline operators), they see
    the ones they hold. A case worker who leaves an organisation no longer sees the cases they held there.
    """
    if not user.is_authenticated or not user.is_active:
        return set(), set()
    org_ids = user.org_ids_with(Perm.CASE_VIEW)
    return org_ids, user.org_ids_with(Perm.CASE_CREATE) - org_ids


def cases_visible_to(user: User, qs: CaseQuerySet) -> CaseQuerySet:
    org_ids, create_only = _case_scope(user)
    if not org_ids and not create_only:
        return qs.none()
    # Case workers get one indexable condition: an OR with owner_id would make PostgreSQL read and sort
    # every case of the organisation for each page (docs/performance.md).
    condition = Q(organisation_id__in=org_ids)
    if create_only:
        condition |= Q(organisation_id__in=create_only, owner_id=user.pk)
    return qs.filter(condition)


def may_see_case(user: User, case: Case) -> bool:
    """`cases_visible_to`'s rule asked of one case row already read, without a query.

    The parts of a case are visible exactly when the case is, so a page that has the case from
    `get_case_for` reads its parts by the case's id after this check (`CasePartQuerySet.of_case`)
    instead of asking PostgreSQL the rule again in every part's query. tests/test_case_scope.py holds
    it to the query's answer for every persona and case.
    """
    org_ids, create_only = _case_scope(user)
    return case.organisation_id in org_ids or (
        case.organisation_id in create_only and case.owner_id == user.pk
    )


def get_case_for(user: User, ref: str, *, write: bool = False) -> Case:
    from strom.cases.models import Case
    from strom.cases.refs import normalise_ref

    try:
        case = (
            Case.objects.visible_to(user)
            .select_related("person", "organisation", "municipality", "owner")
            .get(ref=normalise_ref(ref))
        )
    except Case.DoesNotExist:
        raise NotAllowed from None
    if write and not can_edit_case(user, case):
        raise NotAllowed
    return case


def check_casework(user: User) -> None:
    """Casework pages exist only for people who hold or open cases; for everyone else they are 404."""
    if not (user.has_any(Perm.CASE_VIEW) or user.has_any(Perm.CASE_CREATE)):
        raise NotAllowed


def check_may_open_cases(user: User) -> None:
    """The pages that open a case exist only for people who may open one; for everyone else, 404."""
    if not user.has_any(Perm.CASE_CREATE):
        raise NotAllowed


def can_edit_case(user: User, case: Case) -> bool:
    if case.anonymised_at is not None:
        return False
    return user.has_perm_in(Perm.CASE_EDIT, case.organisation_id) or (
        case.owner_id == user.pk and user.has_any(Perm.CASE_CREATE)
    )


def can_refer(user: User, case: Case) -> bool:
    """Make, send and withdraw referrals of a case: someone who may edit it and holds referral.send.
    Here rather than in referrals, so the network's service search can offer "Refer" for a case."""
    return can_edit_case(user, case) and user.has_perm_in(Perm.REFERRAL_SEND, case.organisation_id)


def can_decide(user: User, case: Case) -> bool:
    return user.has_perm_in(Perm.CASE_DECIDE, case.organisation_id)


def can_assign(user: User, case: Case) -> bool:
    return user.has_perm_in(Perm.CASE_ASSIGN, case.organisation_id)


def can_create_case_in(user: User, organisation_id: int) -> bool:
    return user.has_perm_in(Perm.CASE_CREATE, organisation_id)


def get_person_for(user: User, person_id: int, *, write: bool = False) -> Person:
    """A person is reachable through a case the user may see (or edit)."""
    from strom.cases.models import Person

    try:
        person = Person.objects.visible_to(user).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if write and not any(can_edit_case(user, c) for c in person.cases.all()):
        raise NotAllowed
    return person


# --- country rules ---------------------------------------------------------------------------------------


def can_read_country_rules(user: User) -> bool:
    """The law a case follows is no secret: every member of an organisation may read it."""
    return bool(user.is_authenticated and user.is_active and user.has_any(Perm.DIRECTORY_VIEW))


def can_keep_country_rules(user: User, country: str) -> bool:
    """A country's national coordinators keep its rules (nrm.oversee in an organisation of that country);
    the system admin may correct any country's."""
    from strom.directory.models import Organisation

    if not can_read_country_rules(user):
        return False
    if user.has_global(Perm.SYSTEM_MANAGE):
        return True
    coordinator_orgs = user.org_ids_with(Perm.NRM_OVERSEE)
    return bool(
        coordinator_orgs
        and Organisation.objects.filter(pk__in=coordinator_orgs, country=country, is_active=True).exists()
    )


def check_reads_country_rules(user: User) -> None:
    if not can_read_country_rules(user):
        raise NotAllowed


def may_backdate_country_rules(user: User) -> bool:
    """Only a system admin may let a version take effect before the day it is made (with a reason)."""
    return bool(user.has_global(Perm.SYSTEM_MANAGE))


def get_country_for_rules(user: User, country: str, *, write: bool = False) -> str:
    """The ISO code when the user may read (or, with write, keep) its rules; NotAllowed otherwise."""
    from strom.core.countries import is_country

    code = country.upper()
    if not is_country(code) or not can_read_country_rules(user):
        raise NotAllowed
    if write and not can_keep_country_rules(user, code):
        raise NotAllowed
    return code
