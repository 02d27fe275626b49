"""A database with a row in every table STROM owns, for the restore drill.

The demo fills most models through the services; `fill_every_model` then gives every model that is
still empty one synthetic row, made from its fields' types, so a model added tomorrow is in the drill
without anyone remembering it (tests/…/test_restore_drill.py fails when one cannot be filled). Values
are placeholders ("Drill"), never anything like a real person. Rows are saved through the ORM, so
encrypted fields are encrypted and blind indexes computed as in use; case documents get a sealed file
(their storage is encrypted outside a FileField, strom/casefile/files.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from strom.casefile import files as casefile_files
from strom.crypto.fields import BlindIndexField, EncryptedTextField

TEXT = "Drill"
Model = type[models.Model]


def strom_models() -> list[Model]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("strom.") and m._meta.managed and not m._meta.proxy
    ]


def _choice(f: models.Field[Any, Any]) -> Any:
    first = f.flatchoices[0][0] if f.flatchoices else None
    return first


def _unique_names(model: Model) -> set[str]:
    """Fields that take part in a uniqueness rule: a second row (one made for a one-to-one) must differ."""
    names = {f.name for f in model._meta.concrete_fields if f.unique}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    for together in model._meta.unique_together:
        names.update(together)
    return names


def _plain_value(f: models.Field[Any, Any], *, unique: bool = False) -> Any:
    if isinstance(f, ArrayField):
        item = _plain_value(f.base_field)
        return [] if item is None else [item]
    if f.choices:
        return _choice(f)
    if isinstance(f, models.EmailField):
        # Unique, in case a second row of the model is needed (a one-to-one made for another row).
        return f"drill-{uuid.uuid4().hex[:12]}@example.org"
    if isinstance(f, models.URLField):
        return "https://example.org/drill"
    if isinstance(f, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    if isinstance(f, models.CharField | models.TextField):
        text = f"{TEXT}{uuid.uuid4().hex[:8]}" if unique else TEXT
        return text[: f.max_length] if f.max_length else text
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return Decimal("1")
    if isinstance(f, models.FloatField):
        return 1.0
    if isinstance(f, models.IntegerField):
        return 1
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return timezone.localdate()
    if isinstance(f, models.TimeField):
        return dt.time(9, 0)
    if isinstance(f, models.DurationField):
        return dt.timedelta(days=1)
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.BinaryField):
        return b"drill"
    return None


def _wanted(f: models.Field[Any, Any]) -> bool:
    if (f.primary_key and f.auto_created) or isinstance(f, models.AutoField | BlindIndexField):
        return False
    if isinstance(f, EncryptedTextField | models.FileField):
        return True  # the drill must read these back even where they are optional
    return not (
        f.has_default() or f.null or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )


def _related(f: models.Field[Any, Any], depth: int) -> Any:
    target = f.related_model
    assert isinstance(target, type)
    existing = target._base_manager.order_by("pk").first()
    if f.one_to_one or existing is None:
        if depth > 6:
            raise RecursionError(f"{f.model._meta.label_lower}.{f.name}: relations too deep")
        return make_row(target, depth=depth + 1)
    return existing


def make_row(model: Model, *, depth: int = 0) -> models.Model:
    obj = model()
    unique = _unique_names(model)
    for f in model._meta.concrete_fields:
        if f.is_relation and f.null:
            # An optional link is filled when a row to point at exists already (parler's translation
            # rows need their `master`; more of the schema is exercised), never by making one.
            target = f.related_model
            existing = None if f.one_to_one else target._base_manager.order_by("pk").first()  # type: ignore[union-attr]
            if existing is not None:
                setattr(obj, f.name, existing)
            continue
        if not _wanted(f) and not f.is_relation:
            continue
        if f.is_relation:
            setattr(obj, f.name, _related(f, depth))
        elif isinstance(f, models.FileField):
            getattr(obj, f.name).save("drill.txt", ContentFile(b"Drill file"), save=False)
        else:
            value = _plain_value(f, unique=f.name in unique)
            if value is not None:
                setattr(obj, f.attname, value)
    adjust = ADJUST.get(model._meta.label_lower)
    if adjust is not None:
        adjust(obj)
    obj.save()
    return obj


def _seal_document(obj: Any) -> None:
    obj.data_key = casefile_files.new_data_key()
    obj.storage_name = casefile_files.write_blob(
        casefile_files.seal(b"Drill document", data_key=obj.data_key, document_uuid=obj.uuid)
    )


def _other_choice(field_name: str, avoid: str) -> Callable[[Any], None]:
    def adjust(obj: Any) -> None:
        choices = [value for value, _label in obj._meta.get_field(field_name).flatchoices]
        setattr(obj, field_name, next(value for value in choices if value != avoid))

    return adjust


def _later(field_name: str, after: str) -> Callable[[Any], None]:
    def adjust(obj: Any) -> None:
        setattr(obj, field_name, getattr(obj, after) + dt.timedelta(days=365))

    return adjust


def _set(field_name: str, value: Any) -> Callable[[Any], None]:
    def adjust(obj: Any) -> None:
        setattr(obj, field_name, value)

    return adjust


def _unique_code(obj: Any) -> None:
    """Municipality codes are 2-5 capitals or digits, unique per country."""
    obj.code = "D" + uuid.uuid4().hex[:4].upper()


def _ordered_pair(first: str, second: str) -> Callable[[Any], None]:
    """Two different rows, the lower id first (a pair stored once, in order)."""

    def adjust(obj: Any) -> None:
        field = obj._meta.get_field(second)
        other = make_row(field.related_model, depth=1)
        low, high = sorted([getattr(obj, first), other], key=lambda row: row.pk)
        setattr(obj, first, low)
        setattr(obj, second, high)

    return adjust


# Rows the field types alone cannot make valid: a check constraint or a file stored outside a FileField.
ADJUST: dict[str, Callable[[Any], None]] = {
    "actionplans.indicator": _set("figure", ""),
    "actionplans.recommendation": _other_choice("source_kind", avoid="session"),
    "casefile.casedocument": _seal_document,
    "directory.municipality": _unique_code,
    "linkage.candidatepair": _ordered_pair("person_a", "person_b"),
    "referrals.referral": _set("kind", "transfer"),
    "stages.permitrenewal": _later("valid_until", after="valid_from"),
    "transnational.transnationalreferral": _set("direction", "in"),
}


def fill_every_model() -> dict[str, str]:
    """One row in every empty STROM model; returns the models that could not be filled and why.

    Models are tried again while each round fills more: a row may need another model's row to point
    at (parler's translation rows are registered before their master model)."""
    before = len(strom_models()) + 1
    while True:
        failed: dict[str, str] = {}
        for model in strom_models():
            if model._base_manager.exists():
                continue
            try:
                with transaction.atomic():
                    make_row(model)
            except (IntegrityError, ValueError, TypeError, RecursionError) as exc:
                failed[model._meta.label_lower] = f"{type(exc).__name__}: {exc}"[:300]
        if not failed or len(failed) >= before:
            return failed
        before = len(failed)


def empty_models() -> list[str]:
    return sorted(m._meta.label_lower for m in strom_models() if not m._base_manager.exists())
