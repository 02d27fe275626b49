"""Writes for trainings: the curriculum, the library of training materials, certificates of attendance
and each person's secret calendar link. Same rules as services.py: validate first, one transaction,
the access check and the audit entry inside; a system actor passes the organiser checks."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from strom.accounts.secret_links import secret_link_replace, secret_link_revoke
from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.core.errors import NotAllowed
from strom.core.vocabulary import Sector
from strom.events.access import check_may_organise_for, may_keep_material, may_manage
from strom.events.models import (
    CalendarFeed,
    CurriculumModule,
    Event,
    EventKind,
    LibraryMaterial,
    Registration,
    RegistrationStatus,
    Session,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Organisation

# Certificate codes: no 0/O or 1/I/L, so a code read aloud or typed from paper is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _check_manage(by: User | SystemActor, event: Event) -> None:
    if not isinstance(by, SystemActor) and not may_manage(by, event):
        raise NotAllowed


# --- curriculum ----------------------------------------------------------------------------------


@transaction.atomic
def module_add(
    *,
    by: User | SystemActor,
    event: Event,
    title: str,
    learning_goals: str,
    duration_minutes: int,
    sessions: list[Session],
) -> CurriculumModule:
    """A module of a training's curriculum, optionally taught in some of its sessions."""
    _check_manage(by, event)
    errors: dict[str, list[str]] = {}
    if event.kind != EventKind.TRAINING:
        errors["title"] = [_("Only a training has a curriculum.")]
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if not 1 <= duration_minutes <= 100 * 60:
        errors["duration_minutes"] = [_("A module lasts from 1 minute to 100 hours.")]
    if any(session.event_id != event.pk for session in sessions):
        errors["sessions"] = [_("Choose sessions of this training.")]
    if errors:
        raise ValidationError(errors)
    position = event.modules.count()
    module = CurriculumModule(
        event=event,
        position=position,
        title=" ".join(title.split()),
        learning_goals="\n".join(line.strip() for line in learning_goals.splitlines() if line.strip()),
        duration_minutes=duration_minutes,
    )
    module.save(force_insert=True)
    module.sessions.set(sessions)
    audit_record(
        actor=by,
        action="event.module_add",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"module": module.pk, "sessions": len(sessions)},
    )
    return module


@transaction.atomic
def module_delete(*, by: User | SystemActor, module: CurriculumModule) -> None:
    event = module.event
    _check_manage(by, event)
    pk = module.pk
    CurriculumModule.objects.filter(pk=pk, event=event).delete()
    audit_record(
        actor=by,
        action="event.module_delete",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"module": pk},
    )


# --- library -------------------------------------------------------------------------------------


@transaction.atomic
def library_material_add(
    *,
    by: User | SystemActor,
    organisation: Organisation,
    title: str,
    description: str = "",
    language: str = "",
    sectors: list[str] | None = None,
    url: str = "",
    file: UploadedFile | None = None,
) -> LibraryMaterial:
    """A reusable training material kept by an organisation whose organisers add it."""
    if not isinstance(by, SystemActor):
        check_may_organise_for(by, organisation.pk)
    sectors = sorted(set(sectors or []))
    language = language.strip().lower()
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if any(sector not in Sector.values for sector in sectors):
        errors["sectors"] = [_("Choose sectors from the list.")]
    if language and not (2 <= len(language) <= 3 and language.isalpha() and language.isascii()):
        errors["language"] = [_("Write the language as an ISO 639 code, for example lv.")]
    if bool(url) == bool(file):
        errors["url"] = [_("Give either a link or a file.")]
    elif url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with https://.")]
    if errors:
        raise ValidationError(errors)
    material = LibraryMaterial(
        organisation=organisation,
        title=" ".join(title.split()),
        description=description.strip(),
        language=language,
        sectors=sectors,
        url=url,
    )
    if file is not None:
        material.file = file
    material.save(force_insert=True)
    audit_record(
        actor=by,
        action="event.library_add",
        object_type="training_material",
        object_ref=material.pk,
        organisation_id=organisation.pk,
        details={"file": file is not None},
    )
    return material


@transaction.atomic
def library_material_attach(
    *, by: User | SystemActor, material: LibraryMaterial, event: Event, session: Session | None = None
) -> None:
    """Use a library material in an event (and, if given, one of its sessions). The material may be
    another organisation's: reuse is the point; the event's organisers decide."""
    _check_manage(by, event)
    if session is not None and session.event_id != event.pk:
        raise ValidationError({"session": [_("Choose a session of this event.")]})
    material.events.add(event)
    if session is not None:
        material.sessions.add(session)
    audit_record(
        actor=by,
        action="event.library_attach",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"material": material.pk, "session": session.pk if session else None},
    )


@transaction.atomic
def library_material_detach(*, by: User | SystemActor, material: LibraryMaterial, event: Event) -> None:
    _check_manage(by, event)
    material.events.remove(event)
    material.sessions.remove(*material.sessions.filter(event=event))
    audit_record(
        actor=by,
        action="event.library_detach",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"material": material.pk},
    )


@transaction.atomic
def library_material_delete(*, by: User, material: LibraryMaterial) -> None:
    if not may_keep_material(by, material):
        raise NotAllowed
    pk, organisation_id = material.pk, material.organisation_id
    LibraryMaterial.objects.filter(pk=pk).delete()
    audit_record(
        actor=by,
        action="event.library_delete",
        object_type="training_material",
        object_ref=pk,
        organisation_id=organisation_id,
    )


# --- certificates of attendance ------------------------------------------------------------------


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _n in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def certificates_issue(*, by: User | SystemActor, event: Event) -> int:
    """Give every participant marked present a certificate code (once); returns how many were new.
    Only for trainings, and only after attendance is marked."""
    _check_manage(by, event)
    if event.kind != EventKind.TRAINING:
        raise ValidationError(_("Certificates of attendance are issued for trainings."))
    if event.is_cancelled:
        raise ValidationError(_("The event is cancelled."))
    pending = list(
        Registration.objects.select_for_update()
        .filter(
            event=event, status=RegistrationStatus.REGISTERED, attended_at__isnull=False, certificate_code=""
        )
        .order_by("pk")
    )
    for registration in pending:
        registration.certificate_code = _new_code()
        registration.save(update_fields=["certificate_code", "updated_at"])
    if pending:
        audit_record(
            actor=by,
            action="event.certificates_issue",
            object_type="event",
            object_ref=event.pk,
            organisation_id=event.organisation_id,
            details={"issued": len(pending)},
        )
    return len(pending)


# --- the secret calendar link --------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, by: User) -> str:
    """A new secret link for the user's calendar; the old one stops working. The token is returned once
    and only its hash is kept."""
    return secret_link_replace(by=by, model=CalendarFeed, action="event.calendar_link_create")


@transaction.atomic
def calendar_feed_revoke(*, by: User) -> bool:
    return secret_link_revoke(by=by, model=CalendarFeed, action="event.calendar_link_revoke")
