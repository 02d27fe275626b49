"""A published table: counts after disclosure control, with names and labels for every output.

This is the only shape in which figures leave the statistics app (pages, downloads, API, CLI).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from strom.directory.models import Municipality
from strom.stats import dimensions as dims
from strom.stats.disclosure import Controlled, Key
from strom.stats.engine import Spec, value_label, value_name


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

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([d.name for d in self.spec.by] + ["count"])
        for row in self.cells():
            writer.writerow(
                [row[d.name] for d in self.spec.by] + ["" if row["count"] is None else row["count"]]
            )
        return out.getvalue()

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.spec.describe(),
            "rule": self.rule,
            "cells": self.cells(),
            "totals": self.totals(),
        }
