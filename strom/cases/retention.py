"""Retention: closed cases are anonymised or erased once the country's retention period has passed.

A case is due on `closed_at + retention_years_after_closure` (strom/stages/data/countries/<CC>.json,
defaults in country_rules.py); the country's `retention_action` says what happens. `strom retention`
lists what is due (a dry run) and, with `--apply`, handles each case in its own transaction with an
audit entry "case.anonymise" or "case.erase" (reason "retention"): the writes are in
strom/cases/services_retention.py.

Anonymisation keeps the statistical skeleton and removes everything that identifies: every
encrypted field, every blind index, free text and files. What happens to each model's rows is
declared on the model (`retention = Retention(...)`, strom/core/retention.py): rows that identify by
themselves (name keys, identity documents, perpetrator records, documents) are deleted, the others
scrubbed field by field. When the person has another case that is not yet anonymised, only this
case's own rows are touched and the person is kept; the person is anonymised with their last case.

Holds: the models declare them (`holds_case`): an open proceedings record, a legal hold on the case.
A held case is skipped and reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from strom.cases import related
from strom.cases.erasure import delete_rows
from strom.cases.models import Case
from strom.core.retention import Delete, Hold, Retention, Scrub, declared_retention
from strom.crypto.fields import BlindIndexField, EncryptedTextField

# --- the country's retention period ---------------------------------------------------------------------
# It is one of the country's rules of the chain of assistance (strom/stages/country_rules.py), which
# StagesConfig.ready() registers here: cases does not import stages.


class RetentionRules(Protocol):
    @property
    def retention_years_after_closure(self) -> int: ...

    @property
    def retention_action(self) -> str: ...


_RULES: dict[str, Callable[..., Any]] = {}


def register_rules(
    *, in_force: Callable[[str], RetentionRules], every_country: Callable[[], Mapping[str, RetentionRules]]
) -> None:
    """`in_force(country)`: the rules in force today; `every_country()`: the shipped rules, for the docs."""
    _RULES["in_force"] = in_force
    _RULES["every_country"] = every_country


def rules_for(country: str) -> RetentionRules:
    rules: RetentionRules = _RULES["in_force"](country)
    return rules


# --- what anonymisation does to each model and field --------------------------------------------------

KEEP = "keep"  # statistical: codes, numbers, dates, flags, links
CLEAR = "clear"  # set to empty ("" / None / [] / {})
DELETE = "delete"  # the whole row goes (and its files)

# CharFields without choices longer than this are free text; shorter ones are codes and references.
CODE_MAX_LENGTH = 64


def declaration(model: related.Model) -> Retention:
    """The model's `retention` (strom/core/retention.py); an owned model without one is a bug."""
    declared = declared_retention(model)
    if not isinstance(declared, Retention):
        raise RuntimeError(f"{related.label(model)} declares no retention (docs/adding-a-model.md)")
    return declared


def model_rule(model: related.Model) -> str:
    return DELETE if isinstance(declaration(model).on_anonymise, Delete) else KEEP


def field_rule(model: related.Model, f: models.Field[Any, Any]) -> str | None:
    """KEEP, CLEAR, or None when no rule decides (the coverage test fails on None).

    The model's `Scrub(clear=..., keep=...)` decides first; the field's type decides the rest.
    """
    declared = declared_retention(model)
    scrub = declared.on_anonymise if isinstance(declared, Retention) else None
    if isinstance(scrub, Scrub):
        if f.name in scrub.clear:
            return CLEAR
        if f.name in scrub.keep:
            return KEEP
    if isinstance(f, EncryptedTextField | BlindIndexField):
        return CLEAR
    if f.primary_key or f.is_relation:
        return KEEP
    if isinstance(f, models.FileField):
        return CLEAR
    if isinstance(f, models.CharField):
        if f.choices or ((f.max_length or 0) <= CODE_MAX_LENGTH and not isinstance(f, models.EmailField)):
            return KEEP
        return CLEAR
    if isinstance(f, models.TextField | models.GenericIPAddressField):
        return CLEAR
    if isinstance(f, ArrayField):
        base = f.base_field
        if isinstance(base, models.CharField) and (base.choices or (base.max_length or 0) <= CODE_MAX_LENGTH):
            return KEEP
        return None
    keep_types = (
        models.BooleanField,
        models.IntegerField,
        models.DecimalField,
        models.FloatField,
        models.DateField,  # DateTimeField included
        models.DurationField,
        models.UUIDField,
    )
    if isinstance(f, keep_types):
        return KEEP
    return None  # JSONField, BinaryField, ...: the model must decide (Scrub(clear=..., keep=...))


def _empty(f: models.Field[Any, Any]) -> Any:
    if isinstance(f, ArrayField):
        return []
    if isinstance(f, models.JSONField):
        return f.get_default() if f.has_default() else None
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField | models.FileField):
        return ""
    return f.get_default()


def cleared_fields(model: related.Model) -> dict[str, Any]:
    """column -> empty value, for one queryset.update() of the model's rows."""
    result: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        rule = field_rule(model, f)
        if rule == CLEAR:
            result[f.name] = _empty(f)
        elif rule is None:
            raise RuntimeError(f"no anonymisation rule for {related.label(model)}.{f.name}")
    return result


def anonymise_rows(rows: dict[related.Model, set[Any]]) -> tuple[dict[str, int], list[related.StoredFile]]:
    """Delete or scrub the rows (inside the caller's transaction); return counts and files to delete."""
    counts: dict[str, int] = {}
    doomed: dict[related.Model, set[Any]] = {}
    for model, pks in rows.items():
        if model_rule(model) == DELETE:
            doomed[model] = pks
    # Rows under a deleted row go with it (cascade); they must not be scrubbed first and then miss.
    doomed = related.collect(doomed) if doomed else {}
    files = delete_rows(doomed) if doomed else []
    for model, pks in doomed.items():
        counts[f"{related.label(model)}:deleted"] = len(pks)
    for model, pks in rows.items():
        pks = pks - doomed.get(model, set())
        if not pks:
            continue
        changes = cleared_fields(model)
        if changes:
            model._base_manager.filter(pk__in=pks).update(**changes)
        counts[f"{related.label(model)}:cleared"] = len(pks)
    return counts, files


# --- what is due ---------------------------------------------------------------------------------------


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True)
class DueCase:
    case_id: int
    ref: str
    country: str
    action: str  # "anonymise" or "erase"
    due_on: dt.date
    hold: str = ""  # why it is held back, empty when it is not


@dataclass
class RetentionReport:
    due: list[DueCase] = field(default_factory=list)
    hold_checks: list[str] = field(default_factory=list)  # which holds were checked

    @property
    def actionable(self) -> list[DueCase]:
        return [d for d in self.due if not d.hold]

    @property
    def held(self) -> list[DueCase]:
        return [d for d in self.due if d.hold]


# --- holds ---------------------------------------------------------------------------------------------


def hold_checks() -> list[tuple[str, Callable[[set[int]], set[int]]]]:
    """The holds owned models declare (`Retention(holds_case=Hold(...))`), with a way to find the ids
    of the cases they hold. The case's parts come before the case's own (deepest first)."""
    checks: list[tuple[str, Callable[[set[int]], set[int]]]] = []
    for model in sorted(related.owned_models(), key=lambda m: (-related.depth(m), related.label(m))):
        hold = declaration(model).holds_case
        if hold is None:
            continue

        def held(case_ids: set[int], _m: Any = model, _h: Hold = hold) -> set[int]:
            rows = _m._base_manager.filter(_h.open, **{f"{_h.case}__in": case_ids})
            return set(rows.values_list(_h.case, flat=True))

        checks.append((hold.name or f"open {model._meta.verbose_name}", held))
    return checks


def due_cases(*, now: dt.datetime | None = None) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport()
    candidates = Case.objects.filter(closed_at__isnull=False, anonymised_at__isnull=True)
    for country in sorted(set(candidates.values_list("country", flat=True).distinct())):
        rules = rules_for(country)
        years = rules.retention_years_after_closure
        # closed_at + years <= now  <=>  closed_at <= now - years (the same 29 February rule both ways)
        cutoff = _add_years(now, -years)
        rows = candidates.filter(country=country, closed_at__lte=cutoff).order_by("closed_at", "ref")
        for case_id, ref, closed_at in rows.values_list("pk", "ref", "closed_at"):
            assert closed_at is not None
            due_on = timezone.localdate(_add_years(closed_at, years))
            report.due.append(DueCase(case_id, ref, country, rules.retention_action, due_on))
    checks = hold_checks()
    report.hold_checks = [name for name, _check in checks]
    ids = {d.case_id for d in report.due}
    held: dict[int, str] = {}
    for name, check in checks:
        for case_id in check(ids) if ids else set():
            held.setdefault(case_id, name)
    report.due = [
        DueCase(d.case_id, d.ref, d.country, d.action, d.due_on, held.get(d.case_id, "")) for d in report.due
    ]
    return report


def retention_table_markdown() -> str:
    """The per-country retention rules as a Markdown table; docs/retention-and-rights.md embeds it."""
    every_country: Mapping[str, RetentionRules] = _RULES["every_country"]()
    lines = ["| country | years after closure | action |", "|---|---|---|"]
    for country, rules in every_country.items():
        lines.append(f"| {country} | {rules.retention_years_after_closure} | {rules.retention_action} |")
    return "\n".join(lines)
