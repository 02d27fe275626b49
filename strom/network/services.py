"""Writes for the network directory. Each validates first, runs in one transaction and is audited.

`strom network import` acts as the system actor NETWORK_IMPORT (strom.audit.actors), checked like a user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.directory.models import Municipality, Organisation
from strom.network.access import may_edit_service_of, may_update_capacity
from strom.network.models import NetworkService, ServiceType

if TYPE_CHECKING:
    from strom.accounts.models import User

# [0-9], not \d: \d also matches full-width and other scripts' digits.
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
NAME_MAX_LENGTH = 200
MAX_PLACES = 1_000_000  # far above any service, far below the column's limit


class ServiceFields(TypedDict, total=False):
    """The fields a caller may set, each optional (an update changes only those given); `municipalities`,
    the many-to-many coverage, is a parameter of its own."""

    service_type: str
    name: str
    description: str
    countries: list[str]
    address: str
    phone: str
    email: str
    website: str
    languages: list[str]
    opening_hours: str
    open_247: bool
    hours: list[dict[str, Any]]
    capacity: int | None
    for_adults: bool
    for_children: bool
    for_men: bool
    for_women: bool
    for_families: bool
    nrm_focal_point: bool
    trm_focal_point: bool
    is_active: bool


# The same names, in the order they are compared and reported.
EDITABLE_FIELDS = tuple(ServiceFields.__annotations__)


def is_language(code: object) -> bool:
    return isinstance(code, str) and code.isalpha() and code.islower() and len(code) in (2, 3)


def clean_hours(hours: Any) -> list[dict[str, Any]]:
    """Validate the opening times: a list of {"day": 0..6, "opens": "HH:MM", "closes": "HH:MM"}."""
    if hours in (None, ""):
        return []
    if not isinstance(hours, list):
        raise ValidationError({"hours": [_("Opening times must be a list of days with times.")]})
    cleaned: list[dict[str, Any]] = []
    for slot in hours:
        if not isinstance(slot, dict) or set(slot) != {"day", "opens", "closes"}:
            raise ValidationError(
                {"hours": [_("Each opening time needs a day, an opening and a closing time.")]}
            )
        day, opens, closes = slot["day"], slot["opens"], slot["closes"]
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise ValidationError({"hours": [_("The day must be a number from 0 (Monday) to 6 (Sunday).")]})
        if not (
            isinstance(opens, str)
            and TIME_RE.match(opens)
            and isinstance(closes, str)
            and TIME_RE.match(closes)
        ):
            raise ValidationError({"hours": [_("Write times as HH:MM, for example 09:00.")]})
        if opens >= closes:
            raise ValidationError(
                {
                    "hours": [
                        _("The closing time must be after the opening time (%(opens)s to %(closes)s).")
                        % {"opens": opens, "closes": closes}
                    ]
                }
            )
        cleaned.append({"day": day, "opens": opens, "closes": closes})
    return sorted(cleaned, key=lambda s: (s["day"], s["opens"]))


def _validate(data: dict[str, Any], *, organisation: Organisation, exclude_pk: int | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors.setdefault("name", []).append(_("Enter a name."))
    elif len(name) > NAME_MAX_LENGTH:
        errors.setdefault("name", []).append(
            ngettext(
                "The name can be at most %(max)d character long.",
                "The name can be at most %(max)d characters long.",
                NAME_MAX_LENGTH,
            )
            % {"max": NAME_MAX_LENGTH}
        )
    else:
        clash = NetworkService.objects.filter(organisation=organisation, name__iexact=name)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors.setdefault("name", []).append(_("This organisation already has a service with this name."))
    data["name"] = name
    if data.get("service_type") not in ServiceType.values:
        errors.setdefault("service_type", []).append(_("Choose a service type from the list."))
    countries = [str(c).strip().upper() for c in data.get("countries") or []]
    for code in countries:
        if not is_country(code):
            errors.setdefault("countries", []).append(
                _("“%(code)s” is not an ISO 3166 country code.") % {"code": code}
            )
    data["countries"] = sorted(set(countries))
    languages = [str(c).strip().lower() for c in data.get("languages") or []]
    for code in languages:
        if not is_language(code):
            errors.setdefault("languages", []).append(
                _("“%(code)s” is not an ISO 639 language code.") % {"code": code}
            )
    data["languages"] = sorted(set(languages))
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    if data.get("website"):
        try:
            URLValidator(schemes=["https", "http"])(data["website"])
        except ValidationError:
            errors.setdefault("website", []).append(_("Enter a web address starting with https://."))
    for model_field in NetworkService._meta.concrete_fields:
        # Checked here, for every caller, so that a long value is a message and not a database error.
        limit = getattr(model_field, "max_length", None)
        value = data.get(model_field.name)
        if limit and isinstance(value, str) and len(value) > limit and model_field.name != "name":
            errors.setdefault(model_field.name, []).append(
                ngettext("At most %(max)d character.", "At most %(max)d characters.", limit) % {"max": limit}
            )
    capacity = data.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        errors.setdefault("capacity", []).append(_("The number of places cannot be negative."))
    elif capacity is not None and capacity > MAX_PLACES:
        errors.setdefault("capacity", []).append(
            _("The number of places can be at most %(max)d.") % {"max": MAX_PLACES}
        )
    try:
        data["hours"] = clean_hours(data.get("hours"))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return data


def _coverage_names(municipalities: Iterable[Municipality]) -> list[int]:
    return sorted(m.pk for m in municipalities)


@transaction.atomic
def service_create(
    *,
    by: User | SystemActor,
    organisation: Organisation,
    municipalities: Iterable[Municipality] = (),
    **fields: Unpack[ServiceFields],
) -> NetworkService:
    if not may_edit_service_of(by, organisation.pk):
        raise NotAllowed
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    data = _validate(dict(fields), organisation=organisation, exclude_pk=None)
    service = NetworkService(organisation=organisation, **data)
    service.save()
    municipalities = list(municipalities)
    service.municipalities.set(municipalities)
    audit_record(
        actor=by,
        action="network.service_create",
        object_type="network_service",
        object_ref=str(service.pk),
        organisation_id=organisation.pk,
        details={"fields": sorted(data), "municipalities": _coverage_names(municipalities)},
    )
    return service


@transaction.atomic
def service_update(
    *,
    by: User | SystemActor,
    service: NetworkService,
    municipalities: Iterable[Municipality] | None = None,
    **fields: Unpack[ServiceFields],
) -> NetworkService:
    if not may_edit_service_of(by, service.organisation_id):
        raise NotAllowed
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    service = NetworkService.objects.select_for_update().get(pk=service.pk)
    current = {name: getattr(service, name) for name in EDITABLE_FIELDS}
    data = _validate({**current, **fields}, organisation=service.organisation, exclude_pk=service.pk)
    changed = [name for name in EDITABLE_FIELDS if data[name] != current[name]]
    lowered = "capacity" in changed and data["capacity"] is not None
    if lowered and service.free_places is not None and service.free_places > data["capacity"]:
        raise ValidationError(
            {
                "capacity": [
                    _(
                        "There are %(free)d free places now; update them before lowering "
                        "the places to %(capacity)d."
                    )
                    % {"free": service.free_places, "capacity": data["capacity"]}
                ]
            }
        )
    for name in changed:
        setattr(service, name, data[name])
    coverage_changed = False
    if municipalities is not None:
        municipalities = list(municipalities)
        if _coverage_names(municipalities) != _coverage_names(service.municipalities.all()):
            service.municipalities.set(municipalities)
            coverage_changed = True
    if changed or coverage_changed:
        service.version += 1
        service.save(update_fields=[*changed, "version", "updated_at"])
        audit_record(
            actor=by,
            action="network.service_update",
            object_type="network_service",
            object_ref=str(service.pk),
            organisation_id=service.organisation_id,
            details={"fields": changed, "coverage_changed": coverage_changed},
        )
    return service


@transaction.atomic
def service_update_capacity(
    *, by: User | SystemActor, service: NetworkService, free_places: int | None
) -> NetworkService:
    if not may_update_capacity(by, service):
        raise NotAllowed
    service = NetworkService.objects.select_for_update().get(pk=service.pk)
    if service.capacity is None:
        raise ValidationError(
            {"free_places": [_("This service has no places. Set the number of places in the entry first.")]}
        )
    if free_places is not None and not (0 <= free_places <= service.capacity):
        raise ValidationError(
            {
                "free_places": [
                    _("Free places must be between 0 and %(capacity)d, the number of places.")
                    % {"capacity": service.capacity}
                ]
            }
        )
    service.free_places = free_places
    service.free_places_updated_at = timezone.now()
    # A system job is named in the audit entry; the row's `updated_by` is for people.
    service.updated_by = by if not isinstance(by, SystemActor) else None
    service.save(update_fields=["free_places", "free_places_updated_at", "updated_by", "updated_at"])
    audit_record(
        actor=by,
        action="network.capacity_update",
        object_type="network_service",
        object_ref=str(service.pk),
        organisation_id=service.organisation_id,
        details={"fields": ["free_places"]},
    )
    return service
