"""Subject access export (GDPR Art. 15): everything held about a person, as JSON and readable HTML.

Found through the ownership walk (strom/cases/related.py), so every part of a case is included
without a list to keep up to date. Rows are serialised generically: field name -> value (decrypted,
dates ISO 8601), with each model's field labels and, where one exists, the HTCDS field name.
Blind-index values (keyed hashes of data that is in the export already) are left out. The export also
lists the disclosures: the audit entries about the person and their cases (who saw or changed what,
when, from which organisation). Files are written decrypted next to the JSON.

Who may export: someone who can see the case (the export then holds the person and the cases they
can see), or a system admin giving a reason (all cases). The export itself is audited "person.export".
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from strom.accounts.selectors import display_names
from strom.audit.actions import action_label, channel_label, object_type_label
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.cases import related
from strom.cases.access import get_case_for
from strom.cases.models import Case, IdentityDocument, Person, PersonNameKey
from strom.cases.refs import normalise_ref
from strom.core.errors import NotAllowed
from strom.core.registry import case_audit_objects
from strom.core.roles import Perm
from strom.crypto.fields import BlindIndexField

if TYPE_CHECKING:
    from strom.accounts.models import User

FORMAT = "strom.subject-access/1"

# HTCDS 2.0 names of the core fields (../shared/reference/htcds). Models of other apps may declare
# their own as a class attribute `HTCDS_FIELDS = {"field": "hte_Type"}`.
HTCDS_FIELDS: dict[str, dict[str, str]] = {
    "cases.person": {
        "given_name": "prs_FirstName",
        "family_name": "prs_SecondName",
        "gender": "prs_Gender",
        "birth_date": "prs_Birthdate",
        "citizenships": "prs_Citizenship",
        "languages": "prs_PrimaryLanguage",
    },
    "cases.identitydocument": {"number": "prs_IdentityNumber"},
    "cases.case": {
        "status": "cas_Status",
        "owner": "cas_CaseOwner",
        "closure_details": "cas_ReasonForCaseClosure",
        "trafficking_status": "vic_TraffickingStatus",
        "forms_of_exploitation": "vic_TypeOfExploitation",
    },
}
# Rows that are only derived search keys (HMACs of names in the export): not exported.
SKIPPED_MODELS = {related.label(PersonNameKey)}
# Technical secrets and locators that say nothing about the person (the file itself is exported).
SKIPPED_FIELDS = {"casefile.casedocument.data_key", "casefile.casedocument.storage_name"}


class ExportRefused(Exception):
    """The acting user may not export this person (the message says why, without saying more)."""


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    json_path: Path
    html_path: Path
    case_refs: list[str]
    counts: dict[str, int]
    files: int


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return None
    return value


def _exported_fields(model: related.Model) -> list[models.Field[Any, Any]]:
    name = related.label(model)
    return [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, BlindIndexField) and f"{name}.{f.name}" not in SKIPPED_FIELDS
    ]


def _choices(f: models.Field[Any, Any]) -> dict[str, str] | None:
    base = getattr(f, "base_field", None)
    source = f if f.choices else base if base is not None and base.choices else None
    if source is None:
        return None
    return {str(value): str(text) for value, text in source.flatchoices}


def serialise_row(row: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in _exported_fields(type(row)):
        if f.is_relation:
            data[f.name] = getattr(row, f.attname)
            target = f.related_model
            if target is not None and related.label(target) == "accounts.user":  # type: ignore[arg-type]
                user = getattr(row, f.name)
                data[f.name] = user.full_name or user.email if user is not None else None
            elif target is not None and related.label(target) == "directory.organisation":  # type: ignore[arg-type]
                org = getattr(row, f.name)
                data[f.name] = org.name if org is not None else None
            elif target is not None and related.label(target) == "directory.municipality":  # type: ignore[arg-type]
                mun = getattr(row, f.name)
                data[f.name] = mun.name if mun is not None else None
        elif isinstance(f, models.FileField):
            file = getattr(row, f.attname)
            data[f.name] = file.name if file else ""
        else:
            data[f.name] = _value(getattr(row, f.attname))
    return data


def describe_model(model: related.Model) -> dict[str, Any]:
    htcds = {**HTCDS_FIELDS.get(related.label(model), {}), **getattr(model, "HTCDS_FIELDS", {})}
    return {
        "label": str(model._meta.verbose_name),
        "fields": {
            f.name: {
                "label": str(getattr(f, "verbose_name", f.name)),
                "htcds": htcds.get(f.name),
                **({"choices": c} if (c := _choices(f)) else {}),
            }
            for f in _exported_fields(model)
        },
    }


# --- access ------------------------------------------------------------------------------------------


def resolve(*, by: User, ref: str, reason: str) -> tuple[Person, list[int]]:
    """The person behind `ref` and the ids of the cases `by` may export, or ExportRefused."""
    if by.is_active and by.has_global(Perm.SYSTEM_MANAGE):
        if not reason.strip():
            raise ExportRefused(_("A system admin must give the reason for the export (--reason)."))
        case = Case.objects.select_related("person").filter(ref=normalise_ref(ref)).first()
        if case is None:
            raise ExportRefused(_("No case with this reference."))
        return case.person, list(Case.objects.filter(person=case.person).values_list("pk", flat=True))
    try:
        case = get_case_for(by, ref)
    except NotAllowed:
        # Missing and forbidden look the same, as everywhere else.
        raise ExportRefused(_("No case with this reference that you may see.")) from None
    if not by.has_perm_in(Perm.PERSONAL_DATA_VIEW, case.organisation_id) and case.owner_id != by.pk:
        raise ExportRefused(_("No case with this reference that you may see."))
    visible = Case.objects.visible_to(by).filter(person=case.person)
    return case.person, list(visible.values_list("pk", flat=True))


# --- building ----------------------------------------------------------------------------------------


def _rows_by_model(rows: dict[related.Model, set[Any]]) -> dict[related.Model, list[models.Model]]:
    result: dict[related.Model, list[models.Model]] = {}
    for model in related.owned_models():
        pks = rows.get(model)
        if pks and related.label(model) not in SKIPPED_MODELS:
            result[model] = list(model._base_manager.filter(pk__in=pks).order_by("pk"))
    return result


def _disclosures(person: Person, refs: list[str]) -> list[dict[str, Any]]:
    from strom.directory.models import Organisation

    # Parts of a case audited under their own id (a document by uuid) name the case in details; those
    # whose entries never name the case (a referral's receiver) are registered by their apps.
    condition = (
        Q(object_type="person", object_ref=str(person.pk))
        | Q(object_ref__in=refs)
        | Q(details__case__in=refs)
    )
    for object_type, object_refs in case_audit_objects(refs):
        condition |= Q(object_type=object_type, object_ref__in=object_refs)
    entries = AuditEntry.objects.filter(condition).order_by("seq")
    rows = list(entries)
    org_names = dict(Organisation.objects.values_list("pk", "name"))
    names = display_names({e.actor_id for e in rows if e.actor_id is not None})
    # The codes and the ISO time for programs reading the JSON; the words and the local time for people.
    return [
        {
            "at": e.at.isoformat(),
            "when": date_format(timezone.localtime(e.at), "SHORT_DATETIME_FORMAT"),
            "who": e.actor_label or _("system"),
            "who_name": names.get(e.actor_id or 0) or e.actor_label or _("system"),
            "organisation": org_names.get(e.organisation_id) if e.organisation_id else None,
            "action": e.action,
            "what": action_label(e.action),
            "object_type": e.object_type,
            "record": object_type_label(e.object_type),
            "object": e.object_ref,
            "channel": e.channel,
            "channel_label": channel_label(e.channel),
            "reason": e.reason,
        }
        for e in rows
    ]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"


def build(*, person: Person, case_ids: list[int]) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The export document and its files (relative name, content), without writing or auditing."""
    person_rows = related.collect({Person: {person.pk}})
    excluded = person_rows.get(Case, set()) - set(case_ids)
    excluded_rows = related.collect({Case: excluded}) if excluded else {}
    per_case = {case_id: related.collect({Case: {case_id}}) for case_id in case_ids}
    in_cases: dict[related.Model, set[Any]] = {}
    for rows in per_case.values():
        for model, pks in rows.items():
            in_cases.setdefault(model, set()).update(pks)
    # Rows about the person that belong to no case (identity documents, anything else on the person).
    person_only = {
        m: pks - in_cases.get(m, set()) - excluded_rows.get(m, set())
        for m, pks in person_rows.items()
        if m not in (Person, Case)
    }
    files: list[tuple[str, bytes]] = []
    schema: dict[str, Any] = {}

    def records(rows: dict[related.Model, set[Any]]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for model, objs in _rows_by_model(rows).items():
            name = related.label(model)
            schema.setdefault(name, describe_model(model))
            serialised = []
            for obj in objs:
                data = serialise_row(obj)
                for field_name, file_name, content in related.file_contents(obj):
                    rel = f"files/{name}-{obj.pk}-{_safe(file_name)}"
                    files.append((rel, content))
                    data[field_name] = rel
                serialised.append(data)
            out[name] = serialised
        return out

    schema[related.label(Person)] = describe_model(Person)
    schema[related.label(Case)] = describe_model(Case)
    other = records({m: p for m, p in person_only.items() if p and m is not IdentityDocument})
    cases: list[dict[str, Any]] = []
    for case in Case.objects.filter(pk__in=case_ids).select_related("organisation", "municipality", "owner"):
        rows = per_case[case.pk]
        rows.pop(Case, None)
        cases.append({"ref": case.ref, "case": serialise_row(case), "records": records(rows)})
    cases.sort(key=lambda c: (c["case"]["opened_at"], c["ref"]))
    refs = [c["ref"] for c in cases]
    documents = records({IdentityDocument: person_only.get(IdentityDocument, set())})
    document = {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "person": serialise_row(Person.objects.select_related("organisation").get(pk=person.pk)),
        "identity_documents": documents.get(related.label(IdentityDocument), []),
        "person_records": other,
        "cases": cases,
        "cases_not_included": len(excluded),
        "disclosures": _disclosures(person, refs),
        "files": [name for name, _content in files],
        "schema": dict(sorted(schema.items())),
    }
    return document, files


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def default_directory(ref: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "exports" / f"{_safe(normalise_ref(ref))}-{stamp}"


def person_export(*, by: User, ref: str, reason: str = "", out: Path | None = None) -> ExportResult:
    person, case_ids = resolve(by=by, ref=ref, reason=reason)
    document, files = build(person=person, case_ids=case_ids)
    directory = out or default_directory(ref)
    if directory.exists() and any(directory.iterdir()):
        raise ValidationError(_("The output directory is not empty: %(dir)s") % {"dir": directory})
    directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.mkdir(mode=0o700, exist_ok=True)
    directory.chmod(0o700)
    refs = [c["ref"] for c in document["cases"]]
    counts: dict[str, int] = {"cases": len(refs), "files": len(files)}
    for section in [document["person_records"], *(c["records"] for c in document["cases"])]:
        for name, rows in section.items():
            counts[name] = counts.get(name, 0) + len(rows)
    counts["cases.identitydocument"] = len(document["identity_documents"])
    # Audit first: if the export cannot be recorded, it is not written.
    audit_record(
        actor=by,
        action="person.export",
        object_type="person",
        object_ref=person.pk,
        organisation_id=person.organisation_id,
        reason=reason,
        details={"cases": refs, "counts": counts},
    )
    json_path = directory / "export.json"
    html_path = directory / "export.html"
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    _write_private(json_path, text.encode("utf-8"))
    _write_private(html_path, render_html(document).encode("utf-8"))
    if files:
        (directory / "files").mkdir(mode=0o700)
        for name, content in files:
            _write_private(directory / name, content)
    return ExportResult(
        directory=directory,
        json_path=json_path,
        html_path=html_path,
        case_refs=refs,
        counts=counts,
        files=len(files),
    )


def _table(rows: list[dict[str, Any]], schema: dict[str, Any]) -> dict[str, Any]:
    fields = schema["fields"]
    return {
        "label": schema["label"],
        "headers": [meta["label"] for meta in fields.values()],
        "rows": [[_display(row.get(f), meta.get("choices")) for f, meta in fields.items()] for row in rows],
    }


def _display(value: Any, choices: dict[str, str] | None = None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_display(v, choices) for v in value)
    if choices and str(value) in choices:
        return choices[str(value)]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render_html(document: dict[str, Any]) -> str:
    schema = document["schema"]

    def fields_of(name: str, row: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (meta["label"], _display(row.get(f), meta.get("choices")))
            for f, meta in schema[name]["fields"].items()
        ]

    context = {
        "document": document,
        "person": fields_of("cases.person", document["person"]),
        "identity_documents": _table(document["identity_documents"], schema["cases.identitydocument"])
        if document["identity_documents"]
        else None,
        "person_records": [_table(rows, schema[name]) for name, rows in document["person_records"].items()],
        "cases": [
            {
                "ref": case["ref"],
                "fields": fields_of("cases.case", case["case"]),
                "records": [_table(rows, schema[name]) for name, rows in case["records"].items()],
            }
            for case in document["cases"]
        ],
    }
    return render_to_string("cases/export/person.html", context)
