"""Who may see and run events. Missing and forbidden both raise NotAllowed.

Decision: a published event (its programme, materials, and the participants who consented to appear)
is read by every logged-in user: learning from each other is the point. A draft is seen only by those
who organise it: Perm.EVENTS_ORGANISE in the managing organisation (national coordinators; system
admins everywhere). Registrations are personal data: organisers of the event see them all, a user
sees their own, nobody else any.

Training materials in the library are read by every logged-in user (they are made to be reused) and
kept by organisers in their organisation. The training report (people trained per sector, country and
year) is counts only, but a cell of one can point at a participant who did not agree to be listed,
so it is shown to those who organise events (Perm.EVENTS_ORGANISE), not to every member.
A certificate is downloaded by its participant and the event's organisers; checking one needs no
account and answers only "valid" to someone who already holds its code and the name on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.events.models import (
        Event,
        EventQuerySet,
        LibraryMaterial,
        LibraryMaterialQuerySet,
        Material,
        Registration,
        RegistrationQuerySet,
        Session,
    )


def _logged_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def organising_org_ids(user: User) -> set[int]:
    return user.org_ids_with(Perm.EVENTS_ORGANISE) if _logged_in(user) else set()


def may_organise_events(user: User) -> bool:
    """May create events at all (in some organisation)."""
    return _logged_in(user) and (user.has_global(Perm.EVENTS_ORGANISE) or bool(organising_org_ids(user)))


def may_manage(user: User, event: Event) -> bool:
    return _logged_in(user) and user.has_perm_in(Perm.EVENTS_ORGANISE, event.organisation_id)


def events_visible_to(user: User, qs: EventQuerySet) -> EventQuerySet:
    from strom.events.models import EventStatus

    if not _logged_in(user):
        return qs.none()
    if user.has_global(Perm.EVENTS_ORGANISE):
        return qs
    return qs.filter(Q(status=EventStatus.PUBLISHED) | Q(organisation_id__in=organising_org_ids(user)))


def registrations_visible_to(user: User, qs: RegistrationQuerySet) -> RegistrationQuerySet:
    if not _logged_in(user):
        return qs.none()
    if user.has_global(Perm.EVENTS_ORGANISE):
        return qs
    return qs.filter(Q(event__organisation_id__in=organising_org_ids(user)) | Q(user_id=user.pk))


def get_event_for(user: User, slug: str, *, manage: bool = False) -> Event:
    from strom.events.models import Event

    event = Event.objects.visible_to(user).select_related("organisation").filter(slug=str(slug)).first()
    if event is None or (manage and not may_manage(user, event)):
        raise NotAllowed
    return event


def check_may_organise(user: User) -> None:
    if not may_organise_events(user):
        raise NotAllowed


def check_may_organise_for(user: User, organisation_id: int) -> None:
    if not (_logged_in(user) and user.has_perm_in(Perm.EVENTS_ORGANISE, organisation_id)):
        raise NotAllowed


def may_register(user: User, event: Event) -> bool:
    """Anyone logged in registers for a published event; for a draft, only its organisers (testing).
    A cancelled event takes no registrations."""
    return _logged_in(user) and not event.is_cancelled and (event.is_published or may_manage(user, event))


def get_session_for(user: User, event: Event, session_id: int) -> Session:
    """A session of an event the user manages (`get_event_for(..., manage=True)` first)."""
    from strom.events.models import Session

    if not may_manage(user, event):
        raise NotAllowed
    try:
        return Session.objects.select_related("day", "room", "event").get(pk=int(session_id), event=event)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None


def get_material_for(user: User, material_id: int) -> Material:
    """A file attached to a session of an event the user may read (its programme, published or their own)."""
    from strom.events.models import Event, Material

    events = Event.objects.visible_to(user)
    try:
        return Material.objects.select_related("session").get(pk=int(material_id), session__event__in=events)
    except (Material.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None


def library_visible_to(user: User, qs: LibraryMaterialQuerySet) -> LibraryMaterialQuerySet:
    return qs if _logged_in(user) else qs.none()


def may_keep_material(user: User, material: LibraryMaterial) -> bool:
    return _logged_in(user) and user.has_perm_in(Perm.EVENTS_ORGANISE, material.organisation_id)


def get_library_material_for(user: User, material_id: int, *, manage: bool = False) -> LibraryMaterial:
    from strom.events.models import LibraryMaterial

    try:
        material = LibraryMaterial.objects.visible_to(user).get(pk=int(material_id))
    except (LibraryMaterial.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if manage and not may_keep_material(user, material):
        raise NotAllowed
    return material


def may_see_training_report(user: User) -> bool:
    return may_organise_events(user)


def check_may_see_training_report(user: User) -> None:
    if not may_see_training_report(user):
        raise NotAllowed


def get_registration_for(user: User, registration_id: int, *, manage: bool = False) -> Registration:
    """A registration the user may see; `manage` asks for the event's organisers (attendance, others')."""
    from strom.events.models import Registration

    try:
        registration = (
            Registration.objects.visible_to(user).select_related("event").get(pk=int(registration_id))
        )
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if manage and not may_manage(user, registration.event):
        raise NotAllowed
    return registration
