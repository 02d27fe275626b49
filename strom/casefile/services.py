"""Write functions for the case file. One per operation; each validates first and audits inside its
transaction. Audit details name fields, never their values.

Events, perpetrators and notes are edited optimistically: the caller passes the `version` it
started from; if someone saved in between, EditConflict (from strom.cases.services) lists the
fields whose stored value differs from what the caller sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import CASE_FILES
from strom.audit.services import audit_record
from strom.casefile import access, files
from strom.casefile.choices import (
    DatePrecision,
    DocumentKind,
    EventType,
    Industry,
    MeansOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    Relationship,
    SexExploitationType,
    WebsiteOrApp,
)
from strom.casefile.dates import period_end, truncate
from strom.casefile.filetypes import check_upload
from strom.casefile.models import CaseDocument, CaseNote, Perpetrator, TraffickingEvent
from strom.cases.access import can_edit_case
from strom.cases.choices import Exploitation, Gender
from strom.cases.reads import case_audit_record
from strom.cases.services import save_versioned
from strom.core.countries import is_country
from strom.core.errors import NotAllowed

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

MAX_TEXT = 20_000
MAX_PLACE = 100


class EventFields(TypedDict, total=False):
    """What a caller may give for a trafficking event; an update changes only the fields given."""

    event_type: str
    country: str
    state: str
    city: str
    street: str
    postal_code: str
    description: str
    date_from: dt.date | None
    date_from_precision: str
    date_to: dt.date | None
    date_to_precision: str
    forms_of_exploitation: list[str]
    industry: str
    sex_exploitation_types: list[str]
    means_of_control: list[str]
    recruitment_methods: list[str]
    websites_and_apps: list[str]


class PerpetratorFields(TypedDict, total=False):
    """What a caller may give for a perpetrator; an update changes only the fields given."""

    name: str
    aliases: str
    gender: str
    nationality: str
    roles: list[str]
    relationship: str
    details: str


EVENT_FIELDS = tuple(EventFields.__annotations__)
EVENT_MULTI: dict[str, type[models.TextChoices]] = {
    "forms_of_exploitation": Exploitation,
    "sex_exploitation_types": SexExploitationType,
    "means_of_control": MeansOfControl,
    "recruitment_methods": RecruitmentMethod,
    "websites_and_apps": WebsiteOrApp,
}
PERPETRATOR_FIELDS = tuple(PerpetratorFields.__annotations__)


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _ordered(values: Iterable[str], choices: type[models.TextChoices]) -> list[str]:
    """Known values once each, in the value set's order (so equal selections compare equal)."""
    chosen = set(values)
    return [v for v in choices.values if v in chosen]


def _unknown_values(values: Iterable[str], choices: type[models.TextChoices]) -> list[str]:
    return sorted(set(values) - set(choices.values))


def _text_too_long(errors: dict[str, str], data: dict[str, Any], fields: Iterable[str], limit: int) -> None:
    for name in fields:
        if len(data.get(name) or "") > limit:
            errors[name] = ngettext(
                "At most %(limit)d character.", "At most %(limit)d characters.", limit
            ) % {"limit": limit}


# --- trafficking events ------------------------------------------------------------------------------


def validate_event(data: dict[str, Any]) -> dict[str, Any]:
    """The event's fields cleaned (text stripped, dates truncated to their precision), or ValidationError."""
    errors: dict[str, str] = {}
    clean = dict(data)
    for name in ("state", "city", "street", "postal_code", "description"):
        clean[name] = (clean.get(name) or "").strip()
    if clean.get("event_type") not in EventType.values:
        errors["event_type"] = _("Choose recruitment, transit or exploitation.")
    country = clean.get("country") or ""
    clean["country"] = country
    if country and not is_country(country):
        errors["country"] = _("“%(code)s” is not an ISO 3166 country code.") % {"code": country}
    _text_too_long(errors, clean, ("state", "city"), MAX_PLACE)
    _text_too_long(errors, clean, ("street", "postal_code", "description"), MAX_TEXT)
    for end in ("from", "to"):
        precision = clean.get(f"date_{end}_precision") or DatePrecision.DAY
        if precision not in DatePrecision.values:
            errors[f"date_{end}"] = _("Unknown date precision.")
            precision = DatePrecision.DAY
        clean[f"date_{end}_precision"] = precision
        if clean.get(f"date_{end}") is not None:
            clean[f"date_{end}"] = truncate(clean[f"date_{end}"], precision)
    today = timezone.localdate()
    date_from, date_to = clean.get("date_from"), clean.get("date_to")
    if date_from is not None and date_from > today:
        errors["date_from"] = _("The start date cannot be in the future.")
    if date_to is not None and date_to > today:
        errors["date_to"] = _("The end date cannot be in the future.")
    elif (
        date_from is not None
        and date_to is not None
        and period_end(date_to, clean["date_to_precision"]) < date_from
    ):
        errors["date_to"] = _("The end date cannot be before the start date.")
    for name, choices in EVENT_MULTI.items():
        values = clean.get(name) or []
        unknown = _unknown_values(values, choices)
        if unknown:
            errors[name] = _("Unknown values: %(values)s.") % {"values": ", ".join(unknown)}
        clean[name] = _ordered(values, choices)
    industry = clean.get("industry") or ""
    clean["industry"] = industry
    if industry and industry not in Industry.values:
        errors["industry"] = _("Choose an industry from the list.")
    if (
        clean["sex_exploitation_types"]
        and Exploitation.SEXUAL_EXPLOITATION not in clean["forms_of_exploitation"]
    ):
        errors["sex_exploitation_types"] = _(
            "Types of sexual exploitation apply only when sexual exploitation is one of the forms "
            "of exploitation."
        )
    if errors:
        raise ValidationError(errors)
    return clean


def event_record(*, by: User, case: Case, **data: Unpack[EventFields]) -> TraffickingEvent:
    _check_fields(data, EVENT_FIELDS)
    if not can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))
    clean = validate_event({name: data.get(name) for name in EVENT_FIELDS})
    with transaction.atomic():
        event = TraffickingEvent.objects.create(case=case, created_by=by, **clean)
        case_audit_record(
            by=by,
            case=case,
            action="event.record",
            details={
                "event": event.pk,
                "fields": sorted(k for k, v in clean.items() if v not in ("", None, [])),
            },
        )
    return event


def event_update(
    *, by: User, event: TraffickingEvent, version: int, **data: Unpack[EventFields]
) -> TraffickingEvent:
    _check_fields(data, EVENT_FIELDS)
    case = event.case
    if not can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))
    merged = validate_event({**{f: getattr(event, f) for f in EVENT_FIELDS}, **data})
    submitted = {f: merged[f] for f in data}
    with transaction.atomic():
        stored, changed = save_versioned(TraffickingEvent, event.pk, version=version, submitted=submitted)
        if not changed:
            return stored
        case_audit_record(
            by=by, case=case, action="event.update", details={"event": stored.pk, "fields": sorted(changed)}
        )
    stored.case = case
    return stored


# --- perpetrators ------------------------------------------------------------------------------------


def validate_perpetrator(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = dict(data)
    for name in ("name", "aliases", "details"):
        clean[name] = (clean.get(name) or "").strip()
    _text_too_long(errors, clean, ("name",), 300)
    _text_too_long(errors, clean, ("aliases", "details"), MAX_TEXT)
    clean["gender"] = clean.get("gender") or Gender.UNKNOWN
    if clean["gender"] not in Gender.values:
        errors["gender"] = _("Choose a value from the list.")
    nationality = clean.get("nationality") or ""
    clean["nationality"] = nationality
    if nationality and not is_country(nationality):
        errors["nationality"] = _("“%(code)s” is not an ISO 3166 country code.") % {"code": nationality}
    roles = clean.get("roles") or []
    unknown = _unknown_values(roles, PerpetratorRole)
    if unknown:
        errors["roles"] = _("Unknown values: %(values)s.") % {"values": ", ".join(unknown)}
    clean["roles"] = _ordered(roles, PerpetratorRole)
    clean["relationship"] = clean.get("relationship") or ""
    if clean["relationship"] not in Relationship.values:
        errors["relationship"] = _("Choose a value from the list.")
    if not errors and not (clean["name"] or clean["aliases"] or clean["roles"] or clean["details"]):
        errors["name"] = _("Record at least a name, an alias, a role or details.")
    if errors:
        raise ValidationError(errors)
    return clean


def perpetrator_add(*, by: User, case: Case, **data: Unpack[PerpetratorFields]) -> Perpetrator:
    _check_fields(data, PERPETRATOR_FIELDS)
    if not access.can_edit_perpetrators(by, case):
        raise NotAllowed(_("You may not record perpetrators for this case."))
    clean = validate_perpetrator({name: data.get(name) for name in PERPETRATOR_FIELDS})
    with transaction.atomic():
        perpetrator = Perpetrator.objects.create(case=case, created_by=by, **clean)
        case_audit_record(
            by=by,
            case=case,
            action="perpetrator.add",
            details={
                "perpetrator": perpetrator.pk,
                "fields": sorted(k for k, v in clean.items() if v not in ("", None, [], Gender.UNKNOWN)),
            },
        )
    return perpetrator


def perpetrator_update(
    *, by: User, perpetrator: Perpetrator, version: int, **data: Unpack[PerpetratorFields]
) -> Perpetrator:
    _check_fields(data, PERPETRATOR_FIELDS)
    case = perpetrator.case
    if not access.can_edit_perpetrators(by, case):
        raise NotAllowed(_("You may not record perpetrators for this case."))
    merged = validate_perpetrator({**{f: getattr(perpetrator, f) for f in PERPETRATOR_FIELDS}, **data})
    submitted = {f: merged[f] for f in data}
    with transaction.atomic():
        # The name's blind index is recomputed on every save; saving it always keeps it in step.
        stored, changed = save_versioned(
            Perpetrator,
            perpetrator.pk,
            version=version,
            submitted=submitted,
            also=("updated_at", "name_index"),
        )
        if not changed:
            return stored
        case_audit_record(
            by=by,
            case=case,
            action="perpetrator.update",
            details={"perpetrator": stored.pk, "fields": sorted(changed)},
        )
    stored.case = case
    return stored


# --- notes -------------------------------------------------------------------------------------------


def _validate_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the note.")})
    if len(body) > MAX_TEXT:
        raise ValidationError(
            {
                "body": ngettext("At most %(limit)d character.", "At most %(limit)d characters.", MAX_TEXT)
                % {"limit": MAX_TEXT}
            }
        )
    return body


def note_add(*, by: User, case: Case, body: str, restricted: bool = False) -> CaseNote:
    if not can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))
    body = _validate_body(body)
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=by, body=body, restricted=restricted)
        case_audit_record(
            by=by, case=case, action="note.add", details={"note": note.pk, "restricted": restricted}
        )
    return note


def note_edit(
    *, by: User, note: CaseNote, version: int, body: str, restricted: bool | None = None
) -> CaseNote:
    """Only the author edits a note. Every edit is audited; notes are never deleted."""
    case = note.case
    if not access.can_edit_note(by, note):
        raise NotAllowed(_("Only the author can edit a note."))
    submitted: dict[str, Any] = {"body": _validate_body(body)}
    if restricted is not None:
        submitted["restricted"] = restricted
    with transaction.atomic():
        stored, changed = save_versioned(
            CaseNote,
            note.pk,
            version=version,
            submitted=submitted,
            touch={"edited_at": timezone.now()},
            also=(),
        )
        if not changed:
            return stored
        case_audit_record(
            by=by, case=case, action="note.edit", details={"note": stored.pk, "fields": sorted(changed)}
        )
    stored.case = case
    return stored


# --- documents ---------------------------------------------------------------------------------------


def _too_large(size: int) -> str:
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.STROM_UPLOAD_MAX_BYTES),
    }


def document_upload(*, by: User, case: Case, file: UploadedFile, title: str, kind: str) -> CaseDocument:
    """Check the file (size, type from its content), encrypt it, store it, record it. All or nothing."""
    if not can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the document a title.")
    elif len(title) > 300:
        errors["title"] = ngettext("At most %(limit)d character.", "At most %(limit)d characters.", 300) % {
            "limit": 300
        }
    if kind not in DocumentKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    limit = settings.STROM_UPLOAD_MAX_BYTES
    data = b""
    file_size = file.size or 0
    if getattr(file, "oversize", False) or file_size > limit:
        errors["file"] = _too_large(file_size)
    else:
        file.seek(0)
        data = file.read(limit + 1)
        if len(data) > limit:
            errors["file"] = _too_large(len(data))
    original_name = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    if "file" not in errors:
        try:
            file_type = check_upload(original_name, data)
        except ValidationError as exc:
            errors["file"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)

    document_uuid = uuid.uuid4()
    data_key = files.new_data_key()
    storage_name = files.write_blob(files.seal(data, data_key=data_key, document_uuid=document_uuid))
    try:
        with transaction.atomic():
            document = CaseDocument.objects.create(
                uuid=document_uuid,
                case=case,
                title=title,
                kind=kind,
                original_name=original_name,
                content_type=file_type.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data_key=data_key,
                storage_name=storage_name,
                uploaded_by=by,
            )
            audit_record(
                actor=by,
                action="document.upload",
                object_type="document",
                object_ref=str(document_uuid),
                organisation_id=case.organisation_id,
                details={"case": case.ref, "kind": kind, "type": file_type.key, "size": len(data)},
            )
    except BaseException:
        files.delete_blob(storage_name)
        raise
    return document


def document_read(*, by: User, document: CaseDocument) -> bytes:
    """The decrypted content, integrity-checked; the download is audited before a byte leaves."""
    data = files.unseal(
        files.read_blob(document.storage_name), data_key=document.data_key, document_uuid=document.uuid
    )
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise files.DocumentDecryptionError("the content does not match its checksum")
    audit_record(
        actor=by,
        action="document.download",
        object_type="document",
        object_ref=str(document.uuid),
        organisation_id=document.case.organisation_id,
        details={"case": document.case.ref},
    )
    return data


@dataclass
class ReencryptResult:
    rewritten: int = 0
    # Changed by someone else while we worked (another re-encryption): left as they are.
    skipped: int = 0
    # Missing or undecryptable files: reported, never touched.
    failed: int = 0


def document_reencrypt(*, document: CaseDocument) -> bool:
    """Rewrite one file under a fresh data key. The row is switched with a compare-and-set on the
    storage name, so a concurrent run cannot leave the row pointing at a deleted file."""
    old_name = document.storage_name
    data = files.unseal(files.read_blob(old_name), data_key=document.data_key, document_uuid=document.uuid)
    data_key = files.new_data_key()
    new_name = files.write_blob(files.seal(data, data_key=data_key, document_uuid=document.uuid))
    with transaction.atomic():
        updated = CaseDocument.objects.filter(pk=document.pk, storage_name=old_name).update(
            storage_name=new_name, data_key=data_key
        )
    if not updated:
        files.delete_blob(new_name)
        return False
    files.delete_blob(old_name)
    return True


def documents_reencrypt(
    *, batch_size: int = 100, progress: Callable[[int], None] | None = None
) -> ReencryptResult:
    """Every document file under a fresh data key, wrapped by the current key; pk order, keyset batches."""
    result = ReencryptResult()
    last = 0
    while True:
        batch = list(CaseDocument.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        for document in batch:
            try:
                done = document_reencrypt(document=document)
            except files.DocumentDecryptionError:
                result.failed += 1
                continue
            if done:
                result.rewritten += 1
            else:
                result.skipped += 1
        if progress:
            progress(result.rewritten)
    audit_record(
        actor=CASE_FILES,
        action="documents.reencrypt",
        object_type="document",
        object_ref="*",
        details={"rewritten": result.rewritten, "skipped": result.skipped, "failed": result.failed},
    )
    return result


def orphan_files_delete(*, names: list[str]) -> int:
    """Delete stored files no document row points at (names from `orphan_files`), and record it."""
    for name in names:
        files.delete_blob(name)
    if names:
        audit_record(
            actor=CASE_FILES,
            action="documents.orphans_delete",
            object_type="document",
            object_ref="*",
            details={"deleted": len(names)},
        )
    return len(names)


def orphan_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Stored files no document row points at (an upload whose outer transaction was rolled back)."""
    storage = files.storage()
    try:
        _, names = storage.listdir(files.DIRECTORY)
    except FileNotFoundError:
        return []
    known = set(CaseDocument.objects.values_list("storage_name", flat=True))
    cutoff = timezone.now() - older_than
    orphans = []
    for name in names:
        path = f"{files.DIRECTORY}/{name}"
        if path not in known and storage.get_modified_time(path) < cutoff:
            orphans.append(path)
    return sorted(orphans)
