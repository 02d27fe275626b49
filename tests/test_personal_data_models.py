"""Every model that holds personal data has one read path (`visible_to`) and declares its retention.

The rule for "holds personal data" is derived, not listed (docs/adding-a-model.md):
- the ownership walk reaches it (a foreign key to Person, Case or any row of theirs,
  strom/cases/related.py), or
- it has an encrypted field or a blind index (strom/crypto/fields.py): STROM encrypts what identifies.
A new model that meets the rule fails here until it has `objects.visible_to(user)` (or another
manager's) and a `retention = Retention(...)` (or `OutsideCases(...)`) from strom/core/retention.py.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from strom.cases import related
from strom.core.retention import Delete, OutsideCases, Retention, declared_retention
from strom.crypto.fields import BlindIndexField, EncryptedTextField

Model = type[models.Model]


def _strom_models() -> list[Model]:
    return [m for m in apps.get_models() if m.__module__.startswith("strom.")]


def _has_encrypted_field(model: Model) -> bool:
    return any(isinstance(f, EncryptedTextField | BlindIndexField) for f in model._meta.concrete_fields)


def personal_data_models() -> list[Model]:
    owned = set(related.ownership_links())
    found = [m for m in _strom_models() if m in owned or _has_encrypted_field(m)]
    return sorted(found, key=related.label)


def _has_visible_to(model: Model) -> bool:
    return any(
        callable(getattr(manager.get_queryset(), "visible_to", None)) for manager in model._meta.managers
    )


def test_the_rule_finds_the_people_the_cases_are_about_and_the_staff() -> None:
    labels = {related.label(m) for m in personal_data_models()}
    assert {"cases.person", "cases.identitydocument", "cases.case", "casefile.perpetrator"} <= labels
    assert {"support.service", "consent.consentrecord", "referrals.referral", "accounts.user"} <= labels
    assert "directory.organisation" not in labels


def test_every_model_with_personal_data_has_visible_to() -> None:
    missing = [related.label(m) for m in personal_data_models() if not _has_visible_to(m)]
    assert not missing, f"give these a QuerySet with visible_to(user) (docs/adding-a-model.md): {missing}"


def test_every_model_with_personal_data_declares_its_retention() -> None:
    missing = [related.label(m) for m in personal_data_models() if declared_retention(m) is None]
    assert not missing, f"declare `retention = Retention(...)` (strom/core/retention.py) on: {missing}"


def test_models_a_case_owns_declare_what_anonymisation_and_erasure_do() -> None:
    # OutsideCases is for data whose life is not a case's; the walk reaches only a case's data.
    outside = [
        related.label(m) for m in related.owned_models() if isinstance(declared_retention(m), OutsideCases)
    ]
    assert not outside, f"owned by a person or case, so retention applies: {outside}"
    for model in related.owned_models():
        declared = declared_retention(model)
        assert isinstance(declared, Retention), related.label(model)
        assert isinstance(declared.on_erase, Delete), f"{related.label(model)}: erasure removes every row"


def test_rows_with_files_are_deleted_on_anonymisation() -> None:
    # A file cannot be scrubbed field by field: the row and its file go.
    for model in related.owned_models():
        if related.holds_files(model):
            declared = declared_retention(model)
            assert isinstance(declared, Retention), related.label(model)
            assert isinstance(declared.on_anonymise, Delete), related.label(model)


def test_scrub_declarations_name_real_fields() -> None:
    for model in _strom_models():
        declared = declared_retention(model)
        if not isinstance(declared, Retention) or isinstance(declared.on_anonymise, Delete):
            continue
        names = {f.name for f in model._meta.concrete_fields}
        named = set(declared.on_anonymise.clear) | set(declared.on_anonymise.keep)
        assert named <= names, f"{related.label(model)}: no such fields {sorted(named - names)}"
