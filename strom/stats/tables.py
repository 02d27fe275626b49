"""A published table: counts after disclosure control, with names and labels for every output.

This is the only shape in which figures leave the statistics app (pages, downloads, API, CLI).
"""

from __future__ import annotations

import io
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from strom.core.spreadsheets import CsvWriter
from strom.directory.models import Municipality
from strom.stats import dimensions as dims
from strom.stats.cellkey import METHOD
from strom.stats.disclosure import Controlled, Key
from strom.stats.engine import Spec, value_label, value_name


def method_notes(rule: dict[str, Any]) -> list[str]:
    """The method and its parameters in words, under every downloaded table (the page says the same)."""
    notes = [
        _(
            "Disclosure control: counts under %(threshold)d are withheld, and so are the entries that "
            "would let someone work them out."
        )
        % {"threshold": rule["threshold"]}
    ]
    notes += perturbation_notes(rule)
    if rule.get("rounding"):
        notes.append(
            _("Published counts are rounded to a multiple of %(base)d.") % {"base": rule["rounding"]}
        )
    return notes


def perturbation_notes(rule: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    perturbation = rule.get("perturbation") or {}
    if perturbation.get("method") == METHOD:
        notes.append(
            _(
                "Cell key method on %(datasets)s: every cell and every total gets its own noise of at most "
                "%(noise)s (variance %(variance)s), the same for the same people in every table. Totals are "
                "perturbed as cells of their own, so the cells need not add up to their totals."
            )
            % {
                "datasets": ", ".join(perturbation.get("perturbed", [])),
                "noise": perturbation["max_noise"],
                "variance": f"{perturbation.get('variance', 0):g}",
            }
        )
    if perturbation.get("exact"):
        notes.append(
            _("Counted exactly, without noise: %(datasets)s.")
            % {"datasets": ", ".join(perturbation["exact"])}
        )
    return notes


@dataclass
class Published:
    spec: Spec
    values: list[list[Hashable]]
    controlled: Controlled

    @property
    def rule(self) -> dict[str, Any]:
        return self.controlled.rule

    def _municipalities(self) -> dict[int, Municipality]:
        if any(d.kind == dims.MUNICIPALITY for d in self.spec.by):
            return {m.pk: m for m in Municipality.objects.all()}
        return {}

    def cell_keys(self) -> list[Key]:
        import itertools

        return [tuple(k) for k in itertools.product(*self.values)]

    def count(self, key: Key) -> int | None:
        return self.controlled.counts.get(key, 0)

    def status(self, key: Key) -> str:
        return self.controlled.status.get(key, "published")

    def _row(self, key: Key, municipalities: dict[int, Municipality]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for dimension, part in zip(self.spec.by, key, strict=True):
            row[dimension.name] = None if part is None else value_name(dimension, part, municipalities)
        row["count"] = self.count(key)
        return row

    def cells(self) -> list[dict[str, Any]]:
        """One object per cell: a key per dimension (value name) and `count` (None where withheld)."""
        municipalities = self._municipalities()
        return [self._row(key, municipalities) for key in self.cell_keys()]

    def totals(self) -> list[dict[str, Any]]:
        """The margins: the same objects with None for the dimensions added up."""
        municipalities = self._municipalities()
        return [
            self._row(key, municipalities)
            for key in self.controlled.counts
            if any(part is None for part in key)
        ]

    def labels(self) -> list[dict[Hashable, str]]:
        municipalities = self._municipalities()
        return [
            {key: value_label(dimension, key, municipalities) for key in keys}
            for dimension, keys in zip(self.spec.by, self.values, strict=True)
        ]

    def names(self) -> list[dict[Hashable, str]]:
        municipalities = self._municipalities()
        return [
            {key: value_name(dimension, key, municipalities) for key in keys}
            for dimension, keys in zip(self.spec.by, self.values, strict=True)
        ]

    def notes(self) -> list[str]:
        return method_notes(self.rule)

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = CsvWriter(out)
        writer.writerow([d.name for d in self.spec.by] + ["count"])
        for row in self.cells():
            writer.writerow(
                [row[d.name] for d in self.spec.by] + ["" if row["count"] is None else row["count"]]
            )
        # Under the table, as on the page: lines starting with # that CSV readers can be told to skip
        # (written as they are: quoting a note with a comma would hide the #).
        for note in self.notes():
            out.write("# " + " ".join(note.split()) + "\n")
        return out.getvalue()

    def labelled_rows(self) -> list[list[Any]]:
        """The table as people read it: labels for dimensions and values, every cell, then the totals
        ("Total" where a dimension is added up), and "withheld" written out where a count is withheld."""
        labels = self.labels()
        header: list[Any] = [str(d.label) for d in self.spec.by] + [_("Number of people")]
        margins = [key for key in self.controlled.counts if any(part is None for part in key)]
        # The finest margins first, the grand total last.
        margins.sort(key=lambda key: sum(part is None for part in key))
        rows = [header]
        for key in [*self.cell_keys(), *margins]:
            words: list[Any] = [
                _("Total") if part is None else labels[i].get(part, str(part)) for i, part in enumerate(key)
            ]
            count = self.count(key)
            rows.append([*words, _("withheld") if count is None else count])
        return rows

    def labelled_csv_text(self) -> str:
        """The download for people; `csv_text` stays the machine-readable form the command line writes."""
        out = io.StringIO()
        writer = CsvWriter(out)
        for row in self.labelled_rows():
            writer.writerow(row)
        for note in self.notes():
            out.write("# " + " ".join(note.split()) + "\n")
        return out.getvalue()

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.spec.describe(),
            "rule": self.rule,
            "cells": self.cells(),
            "totals": self.totals(),
        }
