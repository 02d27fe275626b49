"""Writes for the directory: organisations and municipalities. Each validates first and is audited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.services import audit_record
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType, Perm, may_hold
from strom.directory.models import Municipality, Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


class _Unset:
    """Marks a keyword left out of an update, as distinct from None (clear the value)."""


UNSET: Final = _Unset()
NAME_MAX_LENGTH = 200
MUNICIPALITY_CODE_RE = re.compile(r"^[A-Z0-9]{2,5}$")


def _clean_name(name: str, errors: dict[str, list[str]]) -> str:
    name = " ".join((name or "").split())
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
    return name


def _check_organisation(
    *,
    name: str,
    org_type: str,
    country: str,
    municipality: Municipality | None,
    exclude_pk: int | None,
    errors: dict[str, list[str]],
) -> None:
    if org_type not in OrgType.values:
        errors.setdefault("org_type", []).append(_("Choose a type from the list."))
    if not is_country(country):
        errors.setdefault("country", []).append(_("Choose a country from the list (ISO 3166 code)."))
    elif municipality is not None and municipality.country != country:
        errors.setdefault("municipality", []).append(
            _("The municipality must be in the organisation's country.")
        )
    if name and "name" not in errors:
        clash = Organisation.objects.filter(country=country, name__iexact=name)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors.setdefault("name", []).append(
                _("An organisation with this name already exists in this country.")
            )


def organisation_create(
    *, by: User, name: str, org_type: str, country: str, municipality: Municipality | None = None
) -> Organisation:
    if not by.has_global(Perm.SYSTEM_MANAGE):
        raise NotAllowed
    errors: dict[str, list[str]] = {}
    name = _clean_name(name, errors)
    country = (country or "").strip().upper()
    _check_organisation(
        name=name,
        org_type=org_type,
        country=country,
        municipality=municipality,
        exclude_pk=None,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name, org_type=org_type, country=country, municipality=municipality
            )
            audit_record(
                actor=by,
                action="organisation.create",
                object_type="organisation",
                object_ref=organisation.pk,
                organisation_id=organisation.pk,
            )
    except IntegrityError:
        # Someone created the same name in the same country a moment ago.
        raise ValidationError(
            {"name": [_("An organisation with this name already exists in this country.")]}
        ) from None
    return organisation


def _differs(organisation: Organisation, field: str, value: Any) -> bool:
    if field == "municipality":
        return (value.pk if value is not None else None) != organisation.municipality_id
    return bool(value != getattr(organisation, field))


def _check_type_fits_memberships(organisation: Organisation, org_type: str) -> None:
    """Refuse a type whose organisations may not hold the roles its active members have: changing the
    type must not make memberships that break roles.ORG_TYPE_ROLES. The caller holds the row lock, which
    grants of a role take too (accounts.services), so no membership appears between check and save."""
    breaking = [
        m
        for m in organisation.memberships.filter(is_active=True).select_related("user").order_by("pk")
        if not may_hold(org_type, m.role)
    ]
    if not breaking:
        return
    names = ", ".join(f"{m.user.get_full_name()} ({m.get_role_display()})" for m in breaking)
    message = ngettext(
        "An organisation of the type “%(type)s” cannot have this member's role: %(names)s. "
        "Change the role or deactivate the membership first.",
        "An organisation of the type “%(type)s” cannot have these members' roles: %(names)s. "
        "Change the roles or deactivate the memberships first.",
        len(breaking),
    ) % {"type": OrgType(org_type).label, "names": names}
    raise ValidationError({"org_type": [message]})


def organisation_update(
    *,
    by: User,
    organisation: Organisation,
    name: str | _Unset = UNSET,
    org_type: str | _Unset = UNSET,
    municipality: Municipality | _Unset | None = UNSET,
) -> Organisation:
    """Org admins edit their own organisation; system admins any. The country does not change."""
    if not by.has_perm_in(Perm.ORG_EDIT, organisation.pk):
        raise NotAllowed
    errors: dict[str, list[str]] = {}
    new: dict[str, Any] = {}
    if not isinstance(name, _Unset):
        new["name"] = _clean_name(name, errors)
    if not isinstance(org_type, _Unset):
        new["org_type"] = org_type
    if not isinstance(municipality, _Unset):
        new["municipality"] = municipality
    merged = {
        "name": new.get("name", organisation.name),
        "org_type": new.get("org_type", organisation.org_type),
        "municipality": new.get("municipality", organisation.municipality),
    }
    _check_organisation(country=organisation.country, exclude_pk=organisation.pk, errors=errors, **merged)
    if errors:
        raise ValidationError(errors)
    changed = [field for field, value in new.items() if _differs(organisation, field, value)]
    if not changed:
        return organisation
    try:
        with transaction.atomic():
            organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if "org_type" in changed:
                _check_type_fits_memberships(organisation, new["org_type"])
            for field in changed:
                setattr(organisation, field, new[field])
            organisation.save(update_fields=changed)
            audit_record(
                actor=by,
                action="organisation.update",
                object_type="organisation",
                object_ref=organisation.pk,
                organisation_id=organisation.pk,
                details={"fields": sorted(changed)},
            )
    except IntegrityError:
        organisation.refresh_from_db()
        raise ValidationError(
            {"name": [_("An organisation with this name already exists in this country.")]}
        ) from None
    return organisation


def municipality_create(*, by: User, country: str, name: str, code: str) -> Municipality:
    if not by.has_global(Perm.SYSTEM_MANAGE):
        raise NotAllowed
    errors: dict[str, list[str]] = {}
    name = _clean_name(name, errors)
    country = (country or "").strip().upper()
    code = (code or "").strip().upper()
    if not is_country(country):
        errors.setdefault("country", []).append(_("Choose a country from the list (ISO 3166 code)."))
    if not MUNICIPALITY_CODE_RE.match(code):
        errors.setdefault("code", []).append(_("The code is 2 to 5 capital letters or digits, e.g. RIX."))
    if "country" not in errors:
        if "name" not in errors and Municipality.objects.filter(country=country, name__iexact=name).exists():
            errors.setdefault("name", []).append(
                _("A municipality with this name already exists in this country.")
            )
        if "code" not in errors and Municipality.objects.filter(country=country, code=code).exists():
            errors.setdefault("code", []).append(
                _("A municipality with this code already exists in this country.")
            )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            municipality = Municipality.objects.create(country=country, name=name, code=code)
            audit_record(
                actor=by, action="municipality.create", object_type="municipality", object_ref=municipality.pk
            )
    except IntegrityError:
        raise ValidationError(
            {"name": [_("A municipality with this name or code already exists in this country.")]}
        ) from None
    return municipality
