"""The checks that end a restore: counts, the audit chain and its checkpoints, encrypted data readable.

The audit checks are `strom audit verify`'s own services (strom.audit.selectors.verify_chain and
strom.audit.checkpoints.verify_checkpoints), not a copy. The sample reads a few values of every
encrypted column and a few files of every model that keeps files, with the field keys now in place:
a backup restored beside the wrong key document fails here, not weeks later on a case page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from strom.audit.checkpoints import verify_checkpoints
from strom.audit.selectors import verify_chain
from strom.cases import related
from strom.crypto.fields import EncryptedTextField
from strom.ops import pg
from strom.ops.backup import table_counts

SAMPLE = 5


@dataclass
class Verification:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    values: int = 0
    files: int = 0


def _compare_counts(expected: dict[str, int], result: Verification) -> None:
    with psycopg.connect(pg.conninfo()) as conn, conn.cursor() as cur:
        found = table_counts(cur)
    differ = sorted(name for name in set(expected) | set(found) if expected.get(name) != found.get(name))
    for name in differ[:10]:
        result.problems.append(
            _("Table %(table)s has %(found)s rows; the backup's manifest says %(expected)s.")
            % {"table": name, "found": found.get(name, _("no")), "expected": expected.get(name, _("none"))}
        )
    if not differ:
        result.lines.append(
            _("Row counts match the manifest: %(tables)d tables, %(rows)d rows.")
            % {"tables": len(found), "rows": sum(found.values())}
        )


def _check_audit(result: Verification) -> None:
    chain = verify_chain()
    (result.lines if chain.intact else result.problems).append(chain.message)
    anchored = verify_checkpoints()
    result.lines.extend(anchored.notes)
    result.problems.extend(anchored.findings)
    if anchored.intact and anchored.checked:
        result.lines.append(
            _("Audit checkpoints agree with the chain (%(count)d checked).") % {"count": anchored.checked}
        )


def _strom_models(tables: set[str]) -> list[type[models.Model]]:
    """STROM's models whose table the backup has (a model whose migration is still to come has none)."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("strom.") and f"public.{m._meta.db_table}" in tables
    ]


def _sample_values(result: Verification, tables: set[str]) -> None:
    for model in _strom_models(tables):
        for f in model._meta.concrete_fields:
            if not isinstance(f, EncryptedTextField):
                continue
            rows = model._base_manager.filter(**{f"{f.name}__isnull": False}).values_list("pk", flat=True)[
                :SAMPLE
            ]
            for pk in rows:
                try:
                    # Reading the column runs the field's decryption (EncryptedTextField.from_db_value).
                    model._base_manager.filter(pk=pk).values_list(f.name, flat=True).get()
                    result.values += 1
                except Exception as exc:  # any failure to read is the finding
                    result.problems.append(
                        _(
                            "%(model)s #%(pk)s: %(field)s does not decrypt with the field keys present "
                            "(%(error)s)."
                        )
                        % {
                            "model": related.label(model),
                            "pk": pk,
                            "field": f.name,
                            "error": type(exc).__name__,
                        }
                    )


def _read_file(model: type[models.Model], obj: Any) -> int:
    """How many files of this row were read (decrypted, for the models that encrypt theirs)."""
    adapter = related.adapter(model)
    if adapter is not None:
        return 1 if adapter.names(obj) and adapter.read(obj) else 0
    read = 0
    for f in related.file_fields(model):
        value = getattr(obj, f.name)
        if value:
            with value.open("rb") as fh:
                fh.read(1)
            read += 1
    return read


def _sample_files(result: Verification, tables: set[str]) -> None:
    for model in _strom_models(tables):
        if not related.holds_files(model):
            continue
        for pk in model._base_manager.order_by("pk").values_list("pk", flat=True)[:SAMPLE]:
            try:
                # Loading the row decrypts its columns (a document's data key) before the file is read.
                result.files += _read_file(model, model._base_manager.get(pk=pk))
            except Exception as exc:  # a missing or unreadable file is the finding
                result.problems.append(
                    _("%(model)s #%(pk)s: its file cannot be read (%(error)s).")
                    % {"model": related.label(model), "pk": pk, "error": type(exc).__name__}
                )


def verify_restored(manifest: dict[str, Any]) -> Verification:
    result = Verification()
    _compare_counts(manifest["database"]["tables"], result)
    _check_audit(result)
    tables = set(manifest["database"]["tables"])
    _sample_values(result, tables)
    _sample_files(result, tables)
    if result.values or result.files:
        result.lines.append(
            _(
                "Sample read back: %(values)d encrypted values and %(files)d files decrypt with the keys "
                "present."
            )
            % {"values": result.values, "files": result.files}
        )
    return result
