"""Every model that holds data about a person or a case is handled by export, erasure and retention.

These fail when someone adds a model with a foreign key to Case or Person (or to anything below
them) that the walk in strom/cases/related.py does not reach, or with a field that the
anonymisation rules in strom/cases/retention.py cannot classify.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from strom.cases import related, retention
from strom.cases.models import Case, IdentityDocument, Person, PersonNameKey
from strom.crypto.fields import BlindIndexField, EncryptedTextField


def _reverse_closure() -> set[type[models.Model]]:
    """Models reachable from Person through reverse relations: a second route to the same answer."""
    seen: set[type[models.Model]] = {Person}
    todo: list[type[models.Model]] = [Person]
    while todo:
        model = todo.pop()
        for rel in model._meta.get_fields(include_hidden=True):
            if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
                child = rel.related_model
                if isinstance(child, type) and child not in seen:
                    seen.add(child)
                    todo.append(child)
    return seen


def test_every_model_with_a_foreign_key_to_a_person_or_case_is_walked() -> None:
    walked = set(related.ownership_links())
    assert {Person, Case, PersonNameKey, IdentityDocument} <= walked
    missing = sorted(related.label(m) for m in _reverse_closure() - walked)
    assert not missing, f"not reached by the ownership walk: {missing}"


def test_every_foreign_key_into_a_walked_model_is_a_link_of_the_walk() -> None:
    walked = related.ownership_links()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in walked and not (model is Person and target is Person):
                assert model in walked, f"{related.label(model)}.{field.name} points into a person's data"
                assert any(link.field is field for link in walked[model])


def test_every_walked_model_is_deleted_or_every_field_has_an_anonymisation_rule() -> None:
    unclassified: list[str] = []
    for model in related.owned_models():
        if retention.model_rule(model) == retention.DELETE:
            continue
        for field in model._meta.concrete_fields:
            if retention.field_rule(model, field) is None:
                unclassified.append(f"{related.label(model)}.{field.name}")
    assert not unclassified, f"name them in the model's Scrub(keep=..., clear=...): {unclassified}"


def test_encrypted_and_blind_index_fields_are_always_cleared_unless_the_row_is_deleted() -> None:
    for model in related.owned_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField | BlindIndexField):
                assert retention.field_rule(model, field) == retention.CLEAR, related.label(model)


def test_models_keeping_files_by_name_have_a_file_adapter() -> None:
    for model in related.owned_models():
        names = {f.name for f in model._meta.concrete_fields}
        if names & set(related.FILE_NAME_HINTS):
            assert related.holds_files(model), f"{related.label(model)} keeps files: add a FileAdapter"


def test_perpetrator_records_identity_documents_and_name_keys_are_deleted_on_anonymisation() -> None:
    deleted = {
        related.label(m) for m in related.owned_models() if retention.model_rule(m) == retention.DELETE
    }
    assert {"cases.personnamekey", "cases.identitydocument"} <= deleted
    perpetrators = [m for m in related.owned_models() if "perpetrator" in (m._meta.model_name or "")]
    assert all(related.label(m) in deleted for m in perpetrators)


def test_the_rules_fail_closed_on_a_field_nobody_classified() -> None:
    class Probe:
        pass

    field: Any = models.BinaryField(name="blob")
    field.model = Probe
    assert retention.field_rule(Case, field) is None
