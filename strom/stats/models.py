"""Datasets, their facts and import jobs.

A fact is one victim record reduced to the codes of the statistics dimensions (strom/stats/dimensions.py):
no case id, no person id, no free text, nothing that leads back to a row in the case tables. STROM's
own cases are the built-in dataset "strom", rebuilt from the cases by `facts_refresh`
(strom/stats/refresh.py); every import is a dataset of its own. Facts are never shown one by one:
only disclosure-controlled tables built from them (strom/stats/disclosure.py).

Retention: the built-in dataset follows the cases (a refresh drops facts of erased cases); an
imported dataset lives until it is deleted. Import jobs drop the uploaded file when they finish.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

BUILTIN = "strom"


class DatasetKind(models.TextChoices):
    STROM = "strom", _("STROM's own cases")
    CTDC = "ctdc", _("CTDC global dataset format")
    AGGREGATE = "aggregate", _("Table from another STROM instance")


class Dataset(models.Model):
    name = models.SlugField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DatasetKind.choices)
    # sha256 of the imported file: the same file imported twice is refused, whatever its name.
    source_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    source_name = models.CharField(_("file"), max_length=200, blank=True, default="")
    rows = models.PositiveIntegerField(_("records"), default=0)
    imported_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The built-in dataset: when its facts were last rebuilt from the cases.
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # An aggregated table (kind "aggregate"): where it came from and how it was made: source, generated_at,
    # by, where, rule and datasets as in the exchange file (strom/stats/exchange.py). Empty otherwise.
    exchange = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _codes() -> ArrayField:  # type: ignore[type-arg]
    # Never empty: a victim with nothing recorded holds [0] (Unknown), so unnesting keeps every row.
    return ArrayField(models.SmallIntegerField(), default=list)


class Fact(models.Model):
    """One victim record, as codes. Columns and codes: strom/stats/dimensions.py."""

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    year = models.SmallIntegerField(null=True)
    stage = models.SmallIntegerField(default=0)
    victim_status = models.SmallIntegerField(default=0)
    gender = models.SmallIntegerField(default=0)
    age_ctdc = models.SmallIntegerField(default=0)
    age_eurostat = models.SmallIntegerField(default=0)
    child = models.SmallIntegerField(default=0)
    citizenship = models.CharField(max_length=2, default="", blank=True)
    citizenship_group = models.SmallIntegerField(default=0)
    exploitation_country = models.CharField(max_length=2, default="", blank=True)
    municipality_id = models.IntegerField(null=True)
    exploitation = _codes()
    labour = _codes()
    sexual_exploitation = _codes()
    means_of_control = _codes()
    recruiter = _codes()
    services = _codes()
    referral_outcome = _codes()
    days_to_reasonable_grounds = models.IntegerField(null=True)
    days_to_identification = models.IntegerField(null=True)
    days_to_closure = models.IntegerField(null=True)
    # For the coordinator's dashboard, not a dimension: the case's country (STROM only) and the
    # clocks overdue on the day of the refresh (positions in strom.stages.clocks.CLOCKS, 1-based).
    country = models.CharField(max_length=2, default="", blank=True)
    overdue = ArrayField(models.SmallIntegerField(), default=list)
    # The cell key method (strom/stats/cellkey.py): STROM's own cases carry their record key, a keyed
    # hash of the case id, and their counts are perturbed; facts without one (imports of public,
    # already anonymised releases) are counted exactly.
    record_key = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["dataset"], name="stats_fact_dataset")]

    def __str__(self) -> str:
        return f"fact {self.pk}"


class AggregateCell(models.Model):
    """One cell or margin of an imported aggregated table, as published by the other instance.

    `values` holds one value name per dimension of the table (Dataset.exchange["by"]), None where the
    entry is a total over that dimension; `count` is None where the other instance withheld it.
    """

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="cells")
    values = models.JSONField()
    count = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["dataset"], name="stats_aggcell_dataset")]

    def __str__(self) -> str:
        return f"cell {self.pk}"


class ImportFormat(models.TextChoices):
    CTDC = "ctdc", _("CTDC global dataset (CSV, UTF-8)")
    TABLE = "table", _("A table exported by another STROM instance (JSON)")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Rejected")


class ImportJob(models.Model):
    """An upload from the statistics page, imported by `strom worker` (or `strom stats imports`)."""

    dataset_name = models.SlugField(_("dataset name"), max_length=60)
    file_name = models.CharField(_("file"), max_length=200)
    format = models.CharField(
        _("format"), max_length=10, choices=ImportFormat.choices, default=ImportFormat.CTDC
    )
    # The uploaded file until the import ends; cleared afterwards.
    content = models.BinaryField(default=b"")
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # [{"row": n, "column": "...", "value": "...", "why": "..."}], the reasons an import was refused.
    errors = models.JSONField(default=list, blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], name="stats_import_queued", condition=models.Q(state="queued")
            )
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0 if self.state != ImportState.DONE else 100
        return min(100, round(100 * self.rows_done / self.rows_total))
