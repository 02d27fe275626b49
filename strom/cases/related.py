"""Everything held about a person, found through the model relations rather than a hand-kept list.

A model is *owned* by the person when one of its foreign keys (or one-to-one fields) points to the
Person or to another owned model: the Case points to the Person, a support plan to the Case, the
plan's reviews to the plan, and so on. Export, erasure and retention all walk this graph, so a part
of the case added later (a new app, a new model) is covered without editing them.
`strom/cases/tests/test_erasure_coverage.py` fails when an owned model has a field none of them
knows how to treat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from strom.cases.models import Person

Model = type[models.Model]


@dataclass(frozen=True)
class Link:
    """A foreign key on `model` (field `field`) pointing to an owned model `target`."""

    model: Model
    field: models.Field[Any, Any]
    target: Model


def _forward_links(model: Model) -> Iterable[tuple[models.Field[Any, Any], Model]]:
    for field in model._meta.get_fields():
        if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is not None:
            related = field.related_model
            if isinstance(related, type) and issubclass(related, models.Model):
                yield field, related  # type: ignore[misc]


@cache
def ownership_links() -> dict[Model, tuple[Link, ...]]:
    """Every owned model (Person first) with the links that make it owned."""
    owned: dict[Model, list[Link]] = {Person: []}
    all_models = apps.get_models(include_auto_created=True)
    changed = True
    while changed:
        changed = False
        for model in all_models:
            for field, target in _forward_links(model):
                if target in owned and not (model is Person and target is Person):
                    links = owned.setdefault(model, [])
                    if not any(link.field is field for link in links):
                        links.append(Link(model=model, field=field, target=target))
                        changed = True
    return {model: tuple(links) for model, links in owned.items()}


@cache
def depth(model: Model) -> int:
    """Longest chain of ownership links from the Person: children are deleted before their parents."""

    def walk(current: Model, seen: frozenset[Model]) -> int:
        links = ownership_links().get(current, ())
        parents = [link.target for link in links if link.target not in seen and link.target is not current]
        if not parents:
            return 0
        return 1 + max(walk(parent, seen | {current}) for parent in parents)

    return walk(model, frozenset())


def owned_models() -> list[Model]:
    """Owned models, parents before children."""
    return sorted(ownership_links(), key=lambda m: (depth(m), m._meta.label_lower))


def label(model: Model) -> str:
    return model._meta.label_lower


def collect(roots: dict[Model, set[Any]]) -> dict[Model, set[Any]]:
    """Primary keys of every row reachable from the given rows through ownership links.

    From a Person: everything about the person. From a Case: only that case's own rows (rows that
    hang off the Person without the case, like name keys, are not reached).
    """
    found: dict[Model, set[Any]] = {model: set(pks) for model, pks in roots.items() if pks}
    order = owned_models()
    changed = True
    while changed:
        changed = False
        for model in order:
            for link in ownership_links()[model]:
                parents = found.get(link.target)
                if not parents:
                    continue
                pks = set(
                    model._base_manager.filter(**{f"{link.field.name}__pk__in": parents}).values_list(
                        "pk", flat=True
                    )
                )
                new = pks - found.get(model, set())
                if new:
                    found.setdefault(model, set()).update(new)
                    changed = True
    return found


def remaining_references(erased: dict[Model, set[Any]]) -> dict[str, int]:
    """Rows anywhere that still point at one of the `erased` rows: must be empty after an erasure."""
    left: dict[str, int] = {}
    for model, links in ownership_links().items():
        for link in links:
            pks = erased.get(link.target)
            if pks:
                count = model._base_manager.filter(**{f"{link.field.name}__pk__in": pks}).count()
                if count:
                    left[f"{label(model)}.{link.field.name}"] = count
    for model, pks in erased.items():
        count = model._base_manager.filter(pk__in=pks).count()
        if count:
            left[label(model)] = count
    return left


# --- files ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    storage: Any  # django.core.files.storage.Storage
    name: str


@dataclass(frozen=True)
class FileAdapter:
    """For models that keep files outside a FileField: where the file is, and its plaintext."""

    names: Callable[[models.Model], list[str]]  # names in the default storage
    read: Callable[[models.Model], tuple[str, bytes]]  # (file name to show, decrypted content)


# model label -> adapter. The apps whose models keep files outside a FileField register theirs from
# `AppConfig.ready()` (the case file's encrypted documents: strom/casefile/apps.py).
FILE_ADAPTERS: dict[str, FileAdapter] = {}


def register_file_adapter(model_label: str, file_adapter: FileAdapter) -> None:
    FILE_ADAPTERS[model_label] = file_adapter


# Field names that suggest a file kept by name; the coverage test wants an adapter for such a model.
FILE_NAME_HINTS = ("storage_name", "file_path", "blob", "storage_key")


def file_fields(model: Model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def adapter(model: Model) -> FileAdapter | None:
    return FILE_ADAPTERS.get(label(model))


def holds_files(model: Model) -> bool:
    return bool(file_fields(model)) or label(model) in FILE_ADAPTERS


def stored_files(model: Model, pks: Iterable[Any]) -> list[StoredFile]:
    """Files on disk belonging to these rows (FileFields and adapter-known files)."""
    from django.core.files.storage import default_storage

    result: list[StoredFile] = []
    fields = file_fields(model)
    known = adapter(model)
    if not fields and known is None:
        return result
    for row in model._base_manager.filter(pk__in=list(pks)).iterator():
        for field in fields:
            value = getattr(row, field.attname)
            name = getattr(value, "name", value)
            if name:
                result.append(StoredFile(storage=field.storage, name=str(name)))
        if known is not None:
            result += [StoredFile(storage=default_storage, name=n) for n in known.names(row) if n]
    return result


def file_contents(row: models.Model) -> list[tuple[str, str, bytes]]:
    """(field, file name, plaintext) for every file of one row, for the subject access export."""
    result: list[tuple[str, str, bytes]] = []
    for field in file_fields(type(row)):
        value = getattr(row, field.attname)
        if value:
            with field.storage.open(value.name, "rb") as handle:
                result.append((field.name, value.name.rsplit("/", 1)[-1], handle.read()))
    known = adapter(type(row))
    if known is not None and known.names(row):
        name, content = known.read(row)
        result.append(("file", name, content))
    return result


def delete_files(files: Iterable[StoredFile]) -> None:
    """Called on commit: a rolled-back erasure must not lose the files."""
    for file in files:
        file.storage.delete(file.name)
