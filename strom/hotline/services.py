"""Write functions for the hotline: one per operation, validating first, auditing inside its transaction.

Audit entries name contacts and tips by id, never by what the caller said: the summary, the caller's
name, a call-back number and a place's name stay out of the log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.cases.access import get_case_for
from strom.cases.choices import Gender
from strom.cases.services import case_open, person_create
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.languages import REGION_LANGUAGES
from strom.crypto import service as crypto
from strom.hotline import access
from strom.hotline.models import (
    Action,
    CallerType,
    Channel,
    Contact,
    Direction,
    PlaceIndicator,
    PublicRecipient,
    RightsPage,
    Sector,
    Source,
    Status,
    Tip,
    TipPassing,
    Topic,
)
from strom.hotline.public import active_hotlines
from strom.network.models import NetworkService, ServiceType
from strom.referrals.models import Referral
from strom.referrals.services import referral_create, referral_send
from strom.screening.services import screening_convert, screening_create

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.directory.models import Municipality, Organisation

SUMMARY_MAX = 4000
NAME_MAX = 200
# Where a tip may be passed: the police and the labour inspectorate, through their network entries.
TIP_RECEIVERS = frozenset({ServiceType.LAW_ENFORCEMENT, ServiceType.LABOUR_INSPECTION})
Errors = dict[str, str]


@dataclass
class ContactFields:
    """What an operator records about a contact. Only channel, caller and topic are required."""

    channel: str
    caller_type: str
    topic: str
    occurred_at: dt.datetime | None = None
    direction: str = Direction.INBOUND
    duration_minutes: int | None = None
    language: str = ""
    interpreter: bool = False
    country: str = ""
    municipality: Municipality | None = None
    immediate_danger: bool = False
    child: bool = False
    summary: str = ""
    actions: list[str] = field(default_factory=list)
    referred_service: NetworkService | None = None
    caller_name: str = ""
    callback: str = ""
    contact_me: bool = False
    # Used only to make `caller_key`, and only with the caller's consent; never stored.
    caller_phone: str = ""
    recognise_consent: bool = False


def _too_long(errors: Errors, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors[name] = ngettext(
            "Keep this under %(max)d character.", "Keep this under %(max)d characters.", limit
        ) % {"max": limit}


def normalise_phone(value: str) -> str:
    """Digits only, without a leading + or 00, so +371 2000 0000 and 00371-20000000 are one number."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if value.strip().startswith("00") else digits


def caller_key_of(phone: str) -> str:
    digits = normalise_phone(phone)
    return crypto.blind_index(f"phone:{digits}", kind="exact") if digits else ""


def _validate_contact(data: ContactFields, organisation: Organisation) -> Errors:
    errors: Errors = {}
    if data.channel not in Channel.values:
        errors["channel"] = _("Choose a channel from the list.")
    if data.direction not in Direction.values:
        errors["direction"] = _("Choose a direction from the list.")
    if data.caller_type not in CallerType.values:
        errors["caller_type"] = _("Choose who called from the list.")
    if data.topic not in Topic.values:
        errors["topic"] = _("Choose a topic from the list.")
    bad = set(data.actions) - set(Action.values)
    if bad:
        errors["actions"] = _("Choose what was done from the list.")
    if data.occurred_at and data.occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("The contact cannot be in the future.")
    if data.duration_minutes is not None and not 0 <= data.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = _("The duration must be between 0 and 1440 minutes.")
    if data.language and not (
        data.language.isascii() and data.language.isalpha() and len(data.language) in (2, 3)
    ):
        errors["language"] = _("“%(code)s” is not an ISO 639 language code.") % {"code": data.language}
    if data.country and not is_country(data.country):
        errors["country"] = _("“%(code)s” is not an ISO 3166 country code.") % {"code": data.country}
    if data.municipality is not None and data.country and data.municipality.country != data.country:
        errors["municipality"] = _("The municipality must be in the country concerned.")
    _too_long(errors, "summary", data.summary, SUMMARY_MAX)
    _too_long(errors, "caller_name", data.caller_name, NAME_MAX)
    _too_long(errors, "callback", data.callback, NAME_MAX)
    if data.caller_phone and not data.recognise_consent:
        errors["caller_phone"] = _(
            "A phone number is kept (as a key, never in clear) only when the caller agrees to be recognised."
        )
    elif data.recognise_consent and not 6 <= len(normalise_phone(data.caller_phone)) <= 15:
        errors["caller_phone"] = _("Enter the phone number with 6 to 15 digits, or untick the consent.")
    if data.referred_service is not None and Action.REFERRED not in data.actions:
        data.actions = [*data.actions, Action.REFERRED]
    return errors


def _new_contact(organisation: Organisation, data: ContactFields, *, source: str, by: User | None) -> Contact:
    municipality = data.municipality
    return Contact.objects.create(
        organisation=organisation,
        source=source,
        channel=data.channel,
        direction=data.direction,
        occurred_at=data.occurred_at or timezone.now(),
        duration_minutes=data.duration_minutes,
        caller_type=data.caller_type,
        language=data.language.lower(),
        interpreter=data.interpreter,
        country=data.country or (municipality.country if municipality else organisation.country),
        municipality=municipality,
        topic=data.topic,
        immediate_danger=data.immediate_danger,
        child=data.child,
        priority=2 if data.immediate_danger else 1 if data.child else 0,
        summary=data.summary.strip(),
        actions=sorted(set(data.actions)),
        referred_service=data.referred_service,
        caller_name=data.caller_name.strip(),
        callback=data.callback.strip(),
        contact_me=data.contact_me,
        caller_key=caller_key_of(data.caller_phone) if data.recognise_consent else "",
        created_by=by,
    )


def _audit_contact(by: User | SystemActor, contact: Contact, action: str, **details: object) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="hotline_contact",
        object_ref=contact.pk,
        organisation_id=contact.organisation_id,
        details=dict(details) or None,
    )


def contact_log(*, by: User, organisation: Organisation, data: ContactFields) -> Contact:
    """An operator logs a contact of their hotline."""
    if not access.may_log_in(by, organisation.pk):
        raise NotAllowed(_("You may not log contacts for this hotline."))
    errors = _validate_contact(data, organisation)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = _new_contact(organisation, data, source=Source.OPERATOR, by=by)
        _audit_contact(
            by,
            contact,
            "hotline.contact_log",
            channel=contact.channel,
            urgent=contact.is_urgent,
            recognised=bool(contact.caller_key),
        )
    return contact


def _locked(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def _add_action(locked: Contact, *actions: str) -> list[str]:
    locked.actions = sorted(set(locked.actions) | set(actions))
    locked.version += 1
    return ["actions", "version"]


def contact_close(*, by: User, contact: Contact, reopen: bool = False) -> Contact:
    if not access.may_log_in(by, contact.organisation_id) and not access.may_review(by, contact):
        raise NotAllowed
    status = Status.OPEN if reopen else Status.CLOSED
    with transaction.atomic():
        locked = _locked(contact)
        if locked.status == status:
            return locked
        locked.status = status
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        _audit_contact(by, locked, "hotline.contact_reopen" if reopen else "hotline.contact_close")
    return locked


def contact_review(*, by: User, contact: Contact) -> Contact:
    """A supervisor of the hotline marks a contact as reviewed."""
    if not access.may_review(by, contact):
        raise NotAllowed(_("Only a supervisor of the hotline reviews its contacts."))
    with transaction.atomic():
        locked = _locked(contact)
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.version += 1
        locked.save(update_fields=["reviewed_at", "reviewed_by", "version"])
        _audit_contact(by, locked, "hotline.contact_review")
    return locked


def contact_screen(
    *, by: User, contact: Contact, indicator_set_id: str, observed: list[str], notes: str = ""
) -> Contact:
    """Screen with indicators from a contact: an anonymous pre-screening of the hotline, linked to it."""
    if not access.may_log_in(by, contact.organisation_id):
        raise NotAllowed
    if contact.screening_id is not None:
        raise ValidationError(_("This contact already has a screening."))
    with transaction.atomic():
        locked = _locked(contact)
        if locked.case_id is not None:
            raise ValidationError(_("This contact's case is open: screen on the case itself."))
        screening = screening_create(
            by=by,
            indicator_set_id=indicator_set_id,
            observed=observed,
            notes=notes,
            organisation=contact.organisation,
            municipality=contact.municipality if contact.municipality_id else None,
        )
        locked.screening = screening
        fields = _add_action(locked, Action.SCREENING)
        locked.save(update_fields=["screening", *fields])
        _audit_contact(by, locked, "hotline.contact_screen", screening=screening.pk)
    return locked


@dataclass
class NewPerson:
    """The least a case needs about the person; all of it may stay empty."""

    given_name: str = ""
    family_name: str = ""
    gender: str = Gender.UNKNOWN
    age_estimate: int | None = None


def contact_open_case(*, by: User, contact: Contact, municipality: Municipality, person: NewPerson) -> Case:
    """Open a case from a contact; the case dates from the contact, so its clocks count from then.

    With a screening, the screening is converted (and becomes the case's); without, a person and a
    case are made directly. Both leave the contact linked to the case."""
    if not access.may_log_in(by, contact.organisation_id):
        raise NotAllowed
    if contact.case_id is not None:
        raise ValidationError(_("This contact is already linked to a case."))
    with transaction.atomic():
        locked = _locked(contact)
        if locked.screening is not None:
            case = screening_convert(
                by=by,
                screening=locked.screening,
                municipality=municipality,
                given_name=person.given_name,
                family_name=person.family_name,
                gender=person.gender,
                age_estimate=person.age_estimate,
                opened_at=locked.occurred_at,
            )
        else:
            new_person = person_create(
                by=by,
                organisation=locked.organisation,
                given_name=person.given_name,
                family_name=person.family_name,
                gender=person.gender,
                age_estimate=person.age_estimate,
                believed_child=locked.child and person.age_estimate is None,
                age_uncertain=locked.child and person.age_estimate is None,
            )
            case = case_open(
                by=by,
                person=new_person,
                organisation=locked.organisation,
                municipality=municipality,
                opened_at=locked.occurred_at,
            )
        locked.case = case
        fields = _add_action(locked, Action.CASE)
        locked.save(update_fields=["case", *fields])
        _audit_contact(by, locked, "hotline.contact_open_case", case=case.ref)
    return case


def contact_link_case(*, by: User, contact: Contact, case_ref: str) -> Case:
    """Link a contact to a case the operator may see (a caller who already has a case)."""
    if not access.may_log_in(by, contact.organisation_id):
        raise NotAllowed
    try:
        case = get_case_for(by, case_ref)
    except NotAllowed:
        raise ValidationError(
            {"case_ref": _("There is no case with this reference that you may see.")}
        ) from None
    with transaction.atomic():
        locked = _locked(contact)
        locked.case = case
        fields = _add_action(locked, Action.CASE)
        locked.save(update_fields=["case", *fields])
        _audit_contact(by, locked, "hotline.contact_link_case", case=case.ref)
    return case


def contact_refer(
    *, by: User, contact: Contact, service: NetworkService, scope: list[str], message: str = ""
) -> Referral:
    """Refer the contact's case to a network service (a shelter, the organisation holding the person's
    case elsewhere), with a scope and on the person's consent, through the referrals' own services."""
    if not access.may_log_in(by, contact.organisation_id):
        raise NotAllowed
    if contact.case is None:
        raise ValidationError(_("Open a case from the contact first: a referral sends part of a case."))
    with transaction.atomic():
        referral = referral_create(by=by, case=contact.case, service=service, scope=scope, message=message)
        referral = referral_send(by=by, referral=referral)
        locked = _locked(contact)
        locked.referred_service = service
        fields = _add_action(locked, Action.REFERRED)
        locked.save(update_fields=["referred_service", *fields])
        _audit_contact(by, locked, "hotline.contact_refer", referral=str(referral.uuid))
    return referral


# --- tips ------------------------------------------------------------------------------------------------


@dataclass
class TipFields:
    place_name: str
    sector: str
    country: str
    address: str = ""
    municipality: Municipality | None = None
    indicators: list[str] = field(default_factory=list)
    description: str = ""
    received_at: dt.datetime | None = None


def place_key_of(place_name: str, municipality: Municipality | None, country: str) -> str:
    where = str(municipality.pk) if municipality is not None else country
    return crypto.blind_index(f"place:{where}:{place_name.strip()}", kind="exact")


def _validate_tip(data: TipFields) -> Errors:
    errors: Errors = {}
    if not data.place_name.strip():
        errors["place_name"] = _("Name the place or the employer.")
    _too_long(errors, "place_name", data.place_name, NAME_MAX)
    _too_long(errors, "address", data.address, NAME_MAX)
    _too_long(errors, "description", data.description, SUMMARY_MAX)
    if data.sector not in Sector.values:
        errors["sector"] = _("Choose a sector from the list.")
    if not is_country(data.country):
        errors["country"] = _("Choose a country from the list.")
    elif data.municipality is not None and data.municipality.country != data.country:
        errors["municipality"] = _("The municipality must be in the country.")
    if set(data.indicators) - set(PlaceIndicator.values):
        errors["indicators"] = _("Choose what was seen from the list.")
    return errors


def _new_tip(organisation: Organisation, data: TipFields, *, contact: Contact | None, by: User | None) -> Tip:
    key = place_key_of(data.place_name, data.municipality, data.country)
    # Tips about the same place are grouped under the first one.
    first = Tip.objects.filter(organisation=organisation, place_key=key).order_by("pk").first()
    return Tip.objects.create(
        organisation=organisation,
        contact=contact,
        place_name=data.place_name.strip(),
        address=data.address.strip(),
        country=data.country,
        municipality=data.municipality,
        sector=data.sector,
        indicators=sorted(set(data.indicators)),
        description=data.description.strip(),
        place_key=key,
        group=(first.group or first) if first is not None else None,
        received_at=data.received_at or timezone.now(),
        created_by=by,
    )


def _audit_tip(by: User | SystemActor, tip: Tip, action: str, **details: object) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="hotline_tip",
        object_ref=tip.pk,
        organisation_id=tip.organisation_id,
        details=dict(details) or None,
    )


def tip_create(
    *, by: User, organisation: Organisation, data: TipFields, contact: Contact | None = None
) -> Tip:
    if not access.may_log_in(by, organisation.pk):
        raise NotAllowed(_("You may not record tips for this hotline."))
    if contact is not None and contact.organisation_id != organisation.pk:
        raise NotAllowed
    errors = _validate_tip(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tip = _new_tip(organisation, data, contact=contact, by=by)
        _audit_tip(by, tip, "hotline.tip_create", grouped=tip.group_id is not None)
    return tip


def tip_group(*, by: User, tip: Tip, with_tip: Tip) -> Tip:
    """Put a tip in the group of another tip of the same hotline (the same place, spelt differently)."""
    if not access.may_log_in(by, tip.organisation_id) or with_tip.organisation_id != tip.organisation_id:
        raise NotAllowed
    if with_tip.pk == tip.pk:
        raise ValidationError({"with_tip": _("Choose another tip.")})
    target = with_tip.group_id or with_tip.pk
    with transaction.atomic():
        locked = Tip.objects.select_for_update().get(pk=tip.pk)
        # The tips grouped under this one move with it.
        Tip.objects.filter(group_id=locked.pk).update(group_id=target)
        locked.group_id = target
        locked.save(update_fields=["group"])
        _audit_tip(by, locked, "hotline.tip_group", group=target)
    return locked


def tip_pass(*, by: User, tip: Tip, service: NetworkService, note: str = "") -> TipPassing:
    """Pass a tip (and so its group's place) to the police or the labour inspectorate, through their
    focal point in the network directory. The receiving organisation then sees the tip."""
    if not access.may_log_in(by, tip.organisation_id):
        raise NotAllowed
    errors: Errors = {}
    if service.service_type not in TIP_RECEIVERS or not service.is_active:
        errors["service"] = _("Choose the police or the labour inspectorate from the network directory.")
    _too_long(errors, "note", note, SUMMARY_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        passing = TipPassing.objects.create(
            tip=tip,
            service=service,
            to_organisation_id=service.organisation_id,
            note=note.strip(),
            passed_by=by,
            passed_at=timezone.now(),
        )
        _audit_tip(by, tip, "hotline.tip_pass", to_organisation=service.organisation_id, service=service.pk)
        audit_record(
            actor=by,
            action="hotline.tip_received",
            object_type="hotline_tip",
            object_ref=tip.pk,
            organisation_id=service.organisation_id,
            details={"from": tip.organisation_id},
        )
    return passing


# --- the public front door -------------------------------------------------------------------------------


def public_submit(
    *,
    by: SystemActor,
    organisation: Organisation,
    language: str,
    data: ContactFields,
    tip: TipFields | None = None,
) -> Contact:
    """A visitor of the public site sends a tip or asks to be contacted: a contact in the hotline's queue
    (and a tip, for a place). The caller has checked the text (public_forms); no address is recorded."""
    errors = _validate_contact(data, organisation)
    if tip is not None:
        errors |= _validate_tip(tip)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = _new_contact(organisation, data, source=Source.PUBLIC, by=None)
        made = _new_tip(organisation, tip, contact=contact, by=None) if tip is not None else None
        # The audit entries last: each holds the chain's head until the commit, and a flood of
        # submissions must keep the operators' reads waiting as short a time as possible.
        _audit_contact(by, contact, "hotline.public_submit", language=language, tip=tip is not None)
        if made is not None:
            _audit_tip(by, made, "hotline.tip_create", grouped=made.group_id is not None)
    return contact


def rights_page_save(
    *, by: User, country: str, language: str, title: str, body: str, version: int | None = None
) -> RightsPage:
    """Write one language's text of one's country's know-your-rights page, beside its other languages.
    The first language written is the page's original language. `version` is the one of that language's
    text the writer read, and guards against overwriting a colleague."""
    access.check_may_edit_rights(by, country)
    errors: Errors = {}
    if language not in dict(REGION_LANGUAGES):
        errors["language"] = _("Choose one of the offered languages.")
    if not title.strip():
        errors["title"] = _("Give the page a title.")
    if not body.strip():
        errors["body"] = _("Write the text of the page.")
    _too_long(errors, "title", title, 200)
    _too_long(errors, "body", body, 20_000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        page = RightsPage.objects.select_for_update().filter(country=country).first()
        if page is None:
            page = RightsPage(country=country, original_language=language, updated_by=by)
            page.set_current_language(language)
            page.title, page.body, page.version = title.strip(), body.strip(), 1
            page.save(force_insert=True)
        else:
            written = page.has_translation(language)
            page.set_current_language(language)
            stored = page.version if written else 0
            if version is not None and version != stored:
                raise ValidationError(
                    _("Someone else saved this page after you opened it. Reload it and change it again.")
                )
            page.title, page.body, page.version = title.strip(), body.strip(), stored + 1
            page.updated_by = by
            # The language's text is saved with its row (parler saves the translations after the columns).
            page.save(update_fields=["updated_by", "updated_at"])
        audit_record(
            actor=by,
            action="hotline.rights_page_save",
            object_type="hotline_rights_page",
            object_ref=f"{country}/{language}",
            details={"language": language, "version": page.version},
        )
    return page


def public_recipient_choose(
    *, by: User, country: str, organisation: Organisation | None
) -> PublicRecipient | None:
    """Choose which of the country's hotlines receives the public front door's messages, or (None)
    leave it to the country's first active hotline. Only the country's national coordinators choose,
    and only an active hotline of that country; a country has at most one (the constraint)."""
    country = country.upper()
    access.check_may_edit_rights(by, country)
    if organisation is not None and not active_hotlines(country).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("Choose one of the country's active hotlines.")})
    with transaction.atomic():
        current = PublicRecipient.objects.select_for_update().filter(country=country).first()
        before = current.organisation_id if current is not None else None
        after = organisation.pk if organisation is not None else None
        if before == after:
            return current
        if organisation is None:
            assert current is not None  # before != after
            current.delete()
            current = None
        elif current is None:
            try:
                with transaction.atomic():
                    current = PublicRecipient.objects.create(
                        country=country, organisation=organisation, chosen_by=by
                    )
            except IntegrityError:  # a colleague chose for the country at the same moment
                raise ValidationError(
                    {
                        "organisation": _(
                            "A colleague has just chosen for this country. Look again and choose."
                        )
                    }
                ) from None
        else:
            current.organisation, current.chosen_by = organisation, by
            current.save(update_fields=["organisation", "chosen_by", "chosen_at"])
        audit_record(
            actor=by,
            action="hotline.public_recipient_choose",
            object_type="hotline_public_recipient",
            object_ref=country,
            organisation_id=after,
            details={"before": before, "after": after},
        )
    return current
