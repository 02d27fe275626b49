"""Test data for export, erasure and retention: one row of EVERY model the ownership walk finds.

Rows are made generically from the models present when the tests run (so parts of a case added later
are exercised without editing this file): encrypted fields get a recognisable marker, other fields a
plausible value. A few models need real content (encrypted document files) and have a maker below.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from strom.cases import related
from strom.cases.models import Case, Person
from strom.cases.services import identity_document_add
from strom.cases.tests.factories import make_case
from strom.crypto.fields import BlindIndexField, EncryptedTextField

if TYPE_CHECKING:
    from tests.personas import Cast

MARKER = "SECRET"
FILE_CONTENT = b"%PDF-1.4 synthetic document for the rights tests\n"


def marker(model: related.Model, field: str, tag: str) -> str:
    return f"{MARKER}-{tag}-{related.label(model)}-{field}"


def _value(model: related.Model, f: models.Field[Any, Any], tag: str, n: int) -> Any:
    if isinstance(f, EncryptedTextField):
        return marker(model, f.name, tag)
    if f.choices:
        return next(iter(f.flatchoices))[0]
    if isinstance(f, ArrayField):
        base = f.base_field
        return [next(iter(base.flatchoices))[0]] if base.choices else []
    if isinstance(f, models.JSONField):
        return f.get_default() if f.has_default() else {}
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    if isinstance(f, models.EmailField):
        return f"{tag}@example.test"
    if isinstance(f, models.CharField):
        return f"{tag}-{uuid.uuid4().hex}"[: f.max_length or 20]
    if isinstance(f, models.TextField):
        return f"free text {tag}"
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return decimal.Decimal("12.50")
    if isinstance(f, models.IntegerField | models.FloatField):
        return 1
    # Dates rise in declaration order (from before until), all in the past: constraints hold.
    if isinstance(f, models.DateTimeField):
        return timezone.now() - dt.timedelta(days=60 - n)
    if isinstance(f, models.DateField):
        return timezone.localdate() - dt.timedelta(days=60 - n)
    if isinstance(f, models.DurationField):
        return dt.timedelta(days=1)
    if isinstance(f, models.GenericIPAddressField):
        return "192.0.2.1"
    return None


def _foreign(f: models.Field[Any, Any], parents: dict[related.Model, models.Model], cast: Cast) -> Any:
    target = f.related_model
    if target in parents:
        return parents[target]
    name = related.label(target)  # type: ignore[arg-type]
    if name == "accounts.user":
        return cast.users["caseworker_a"]
    if name == "directory.organisation":
        return cast.org_a
    if name == "directory.municipality":
        return cast.riga
    existing = target._default_manager.first()  # type: ignore[union-attr]
    if existing is None and name == "network.networkservice":
        # A tip passed to the police names the network entry it went to: one, made for it.
        return target._base_manager.create(**_generic_values(target, {}, "service", cast))  # type: ignore[union-attr, arg-type]
    return existing


def _make_case_document(case: Case, tag: str) -> models.Model:
    from strom.casefile import files
    from strom.casefile.models import CaseDocument

    doc_uuid = uuid.uuid4()
    key = files.new_data_key()
    name = files.write_blob(files.seal(FILE_CONTENT, data_key=key, document_uuid=doc_uuid))
    return CaseDocument.objects.create(
        **{
            **_generic_values(CaseDocument, {Case: case, Person: case.person}, tag, _CAST[0]),
            "uuid": doc_uuid,
            "data_key": key,
            "storage_name": name,
            "size": len(FILE_CONTENT),
            "original_name": f"{MARKER}-{tag}-passport-scan.pdf",
        }
    )


def _make_referral(case: Case, tag: str) -> models.Model:
    from strom.referrals.models import Referral

    # A transfer names no service, so the row needs no network entry to point at; an override names
    # no consent (the generic filler would borrow another person's consent record).
    values = _generic_values(Referral, {Case: case, Person: case.person}, tag, _CAST[0])
    links = {"service": None, "consent": None, "cross_border_consent": None, "support_service": None}
    return Referral.objects.create(**{**values, **links, "kind": "transfer", "basis": "override"})


def _make_transnational_referral(case: Case, tag: str) -> models.Model:
    from strom.transnational.models import Partner, TransnationalReferral

    # A referral to or from another instance names the partner instance: one, made for the case.
    partner_values = _generic_values(Partner, {}, tag, _CAST[0])
    partner = Partner.objects.create(
        **{**partner_values, "url": f"https://{tag}-{uuid.uuid4().hex}.example/"}
    )
    values = _generic_values(
        TransnationalReferral, {Case: case, Person: case.person, Partner: partner}, tag, _CAST[0]
    )
    return TransnationalReferral.objects.create(**values)


MAKERS = {
    "casefile.casedocument": _make_case_document,
    "referrals.referral": _make_referral,
    "transnational.transnationalreferral": _make_transnational_referral,
}
_CAST: list[Any] = []


def _generic_values(
    model: related.Model, parents: dict[related.Model, models.Model], tag: str, cast: Cast
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for n, f in enumerate(model._meta.concrete_fields):
        if f.primary_key or isinstance(f, BlindIndexField) or getattr(f, "auto_now_add", False):
            continue
        if getattr(f, "auto_now", False):
            continue
        if f.is_relation:
            # A row's link to another row of its own model (a tip's group) would tie two persons' rows.
            value = None if f.related_model is model else _foreign(f, parents, cast)
            if value is None and not f.null:
                raise LookupError(f"no {f.related_model} row for {related.label(model)}.{f.name}")
            values[f.name] = value
            continue
        if isinstance(f, models.FileField):
            values[f.name] = f.storage.save(f"rights-test/{uuid.uuid4().hex}", ContentFile(FILE_CONTENT))
            continue
        value = _value(model, f, tag, n)
        if value is not None:
            values[f.name] = value
    return values


def fill_case(cast: Cast, case: Case, tag: str) -> dict[str, int]:
    """One row of every model owned by a case (through any chain of links). Returns model label -> pk."""
    _CAST[:] = [cast]
    made: dict[related.Model, models.Model] = {Case: case, Person: case.person}
    created: dict[str, int] = {}
    for model in related.owned_models():
        if model in (Person, Case) or model._meta.auto_created:
            continue
        links = related.ownership_links()[model]
        # A link of a model to its own rows (a tip grouped under another) waits for nothing.
        if not links or not all(link.target in made or link.target is model for link in links):
            continue  # hangs off the person only (name keys, identity documents): made by the services
        if any(link.target is Person for link in links) and not any(
            link.target is not Person for link in links
        ):
            continue
        maker = MAKERS.get(related.label(model))
        try:
            with transaction.atomic():
                if maker is not None:
                    row = maker(case, tag)
                else:
                    row = model._base_manager.create(**_generic_values(model, made, tag, cast))
        except (IntegrityError, LookupError) as exc:
            raise AssertionError(f"cannot make a test row of {related.label(model)}: {exc}") from exc
        made[model] = row
        created[related.label(model)] = row.pk
    return created


def full_person(
    cast: Cast, tag: str = "p1", *, cases: int = 2, **case_fields: Any
) -> tuple[Person, list[Case]]:
    """A person with an identity document and `cases` cases, each with a row of every part of a case."""
    first = make_case(
        cast,
        given_name=f"Jūlija{tag}",
        family_name="Ivanova",
        other_names="Юлия Иванова",
        birth_date="1990-05-17",
        contact=f"+371 2000 {tag}",
        address=f"{MARKER} street {tag}",
        citizenships=["UA"],
        forms_of_exploitation=["ForcedLabour"],
        **case_fields,
    )
    person = first.person
    identity_document_add(
        by=cast.users["caseworker_a"], person=person, doc_type=_first_doc_type(), number=f"XY{tag}123456"
    )
    opened = {"opened_at": case_fields["opened_at"]} if "opened_at" in case_fields else {}
    all_cases = [first] + [make_case(cast, person=person, **opened) for _ in range(cases - 1)]
    for i, case in enumerate(all_cases):
        fill_case(cast, case, f"{tag}c{i}")
    _fill_record_linkage(cast, person, tag)
    return person, all_cases


def _fill_record_linkage(cast: Cast, person: Person, tag: str) -> None:
    """The rows of record linkage hang off persons alone: a pair with another record of the same
    person, its merge, and a check waiting for the worker."""
    from strom.linkage.models import CandidatePair, PendingCheck, PersonMerge

    twin = Person._base_manager.create(**_generic_values(Person, {}, f"{tag}twin", cast))
    first, second = sorted((person, twin), key=lambda p: p.pk)
    pair = CandidatePair.objects.create(person_a=first, person_b=second, probability=0.97)
    PersonMerge.objects.create(
        kept=person, merged=twin, pair=pair, by=cast.users["caseworker_a"], undo_until=timezone.now()
    )
    PendingCheck.objects.create(person=person)


def _first_doc_type() -> str:
    from strom.cases.choices import DocumentType

    return str(DocumentType.values[0])


def raw_values(model: related.Model, column: str, pks: set[Any]) -> list[Any]:
    """Column values as stored (ciphertext, not decrypted), to check what is really in the database."""
    if not pks:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {col} FROM {table} WHERE {pk} = ANY(%s)", [list(pks)])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]
