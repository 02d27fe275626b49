"""Who may read and keep guidelines and country profiles. Missing and forbidden both raise NotAllowed.

Decisions:
- Reading: a guideline with a published version is read by every member (Perm.HUB_VIEW), and by
  anyone, also without an account, where the instance sets STROM_HUB_PUBLIC. Drafts, and a guideline
  never published, only by those who may edit it.
- Editing (Perm.GUIDELINES_EDIT): the owning organisation's editors, and for a guideline of one
  country also that country's national coordinators (guidelines.edit held in an organisation of type
  National coordinator in that country). A guideline for the whole region is kept by its organisation
  only. System admins do not hold guidelines.edit: content is the editors' job.
- Country profiles (the legal framework summary) are kept by the country's national coordinators in
  the same sense: guidelines.edit in a National coordinator organisation of that country.
- The demo data writes as its system actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from strom.accounts.models import User
from strom.audit.actors import DEMO, SystemActor
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType, Perm
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.guidelines.models import Guideline, GuidelineQuerySet, GuidelineVersion

Reader: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User | SystemActor

# The system jobs that write guidelines and country profiles.
KEEPERS = (DEMO,)


def _member(user: Reader) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def may_read_hub(user: Reader) -> bool:
    """Published hub records: members, and everyone where the instance opens its hub."""
    if settings.STROM_HUB_PUBLIC:
        return True
    return isinstance(user, User) and _member(user) and user.has_any(Perm.HUB_VIEW)


def check_may_read_hub(user: Reader) -> None:
    if not may_read_hub(user):
        raise NotAllowed


def editing_org_ids(user: Reader) -> set[int]:
    if not isinstance(user, User) or not _member(user):
        return set()
    return user.org_ids_with(Perm.GUIDELINES_EDIT)


def coordinated_countries(user: Reader) -> set[str]:
    """Countries in which the user edits guidelines as a national coordinator's office."""
    org_ids = editing_org_ids(user)
    if not org_ids:
        return set()
    return set(
        Organisation.objects.filter(
            pk__in=org_ids, org_type=OrgType.NATIONAL_COORDINATOR, is_active=True
        ).values_list("country", flat=True)
    )


def may_create(user: Reader) -> bool:
    return bool(editing_org_ids(user))


def check_may_create_for(user: Actor, organisation: Organisation) -> None:
    if isinstance(user, SystemActor):
        if user not in KEEPERS:
            raise NotAllowed
        return
    if organisation.pk not in editing_org_ids(user):
        raise NotAllowed


def may_edit_scope(user: Actor, *, organisation_id: int, country: str) -> bool:
    if isinstance(user, SystemActor):
        return user in KEEPERS
    if organisation_id in editing_org_ids(user):
        return True
    return bool(country) and country in coordinated_countries(user)


def may_edit(user: Reader | SystemActor, guideline: Guideline) -> bool:
    if isinstance(user, AnonymousUser) or (isinstance(user, User) and not _member(user)):
        return False
    return may_edit_scope(user, organisation_id=guideline.organisation_id, country=guideline.country)


def may_edit_profile(user: Reader | SystemActor, country: str) -> bool:
    if isinstance(user, SystemActor):
        return user in KEEPERS
    return bool(country) and country in coordinated_countries(user)


def check_may_edit(user: Actor, guideline: Guideline) -> None:
    if not may_edit(user, guideline):
        raise NotAllowed


def check_may_edit_profile(user: Actor, country: str) -> None:
    if not may_edit_profile(user, country):
        raise NotAllowed


def guidelines_visible_to(user: Reader, qs: GuidelineQuerySet) -> GuidelineQuerySet:
    editable = Q(organisation_id__in=editing_org_ids(user)) | Q(
        country__in=coordinated_countries(user) - {""}
    )
    if may_read_hub(user):
        return qs.filter(Q(published_version__isnull=False) | editable)
    return qs.filter(editable) if _member(user) else qs.none()


def get_guideline_for(user: Reader, slug: str, *, edit: bool = False) -> Guideline:
    from strom.guidelines.models import Guideline

    guideline = (
        Guideline.objects.visible_to(user)
        .select_related("organisation", "published_version")
        .filter(slug=str(slug))
        .first()
    )
    if guideline is None or (edit and not may_edit(user, guideline)):
        raise NotAllowed
    return guideline


def get_version_for(
    user: Reader, guideline: Guideline, number: int, *, edit: bool = False
) -> GuidelineVersion:
    """A version of a guideline the user may see: published versions for readers, drafts for editors."""
    from strom.guidelines.models import GuidelineVersion, VersionStatus

    version = GuidelineVersion.objects.filter(guideline=guideline, number=number).first()
    if version is None:
        raise NotAllowed
    if (edit or version.status == VersionStatus.DRAFT) and not may_edit(user, guideline):
        raise NotAllowed
    version.guideline = guideline
    return version


def get_country_for(user: Reader, country: str) -> str:
    """The ISO code of a country whose profile the user may read (every country, for hub readers)."""
    from strom.core.countries import is_country

    check_may_read_hub(user)
    code = str(country).upper()
    if not is_country(code):
        raise NotAllowed
    return code


def get_profile_country_for(user: Reader, country: str) -> str:
    """The country code when the user may keep its profile; NotAllowed otherwise."""
    from strom.core.countries import is_country

    code = str(country).upper()
    if not is_country(code) or not may_edit_profile(user, code):
        raise NotAllowed
    return code
