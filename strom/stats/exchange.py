"""Aggregated tables between STROM instances: the exchange file, its import, and regional tables.

A national instance exports a *published* table (after its disclosure control, never facts) as a
"strom-table" JSON document; another instance imports it as an aggregated dataset (its cells, not
people) and adds it to other tables on the same dimensions. Format and rules: docs/statistics.md,
"Exchanging aggregated tables".

Combining: every part is a published table (an imported one as it was published, STROM's own facts
after this instance's disclosure control, exactly as they would be published alone), so a regional
figure never lets anyone subtract a national one to find a count a part withheld. Counts add where
every part published them; an entry withheld in any part is withheld in the sum; this instance's
rule is then applied to the sum.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.directory.models import Municipality
from strom.stats import dimensions as dims
from strom.stats.cellkey import METHOD, NONE
from strom.stats.ctdc import RowError
from strom.stats.disclosure import Key, all_keys, control, lines
from strom.stats.engine import (
    Filter,
    Spec,
    build_table,
    key_of,
    order_values,
    parse_filter,
    perturbation_rule,
    value_name,
)
from strom.stats.models import AggregateCell, Dataset, DatasetKind
from strom.stats.tables import Published

FORMAT = "strom-table"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 200_000
# Far above any sensible cell key parameter: a larger "maximum noise" would make the sums unchecked.
MAX_NOISE = 50
# Every entry of an exchange file by its key (value keys, None for totals): (section, row, count).
Entries = dict[Key, tuple[str, int, int | None]]
COMBINED_RULE = (
    "counts of the parts added where every part published them; an entry withheld in any part is "
    "withheld in the sum; then this instance's rule applied to the sum"
)


def threshold_for(spec: Spec) -> int:
    return max(settings.STROM_STATS_THRESHOLD, spec.threshold or 0)


def noise_bound(rule: Any) -> int:
    """How far an entry of a published table may be from its true count: the maximum noise it names.

    A table from an instance without the cell key method names none: its entries are exact.
    """
    perturbation = rule.get("perturbation") if isinstance(rule, dict) else None
    value = perturbation.get("max_noise", 0) if isinstance(perturbation, dict) else 0
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _municipalities(by: list[dims.Dimension]) -> dict[int, Municipality]:
    if any(d.kind == dims.MUNICIPALITY for d in by):
        return {m.pk: m for m in Municipality.objects.all()}
    return {}


# -- export ---------------------------------------------------------------------------------------


def exchange_document(published: Published) -> dict[str, Any]:
    """The exchange file of a published table; ValidationError for a rounded one.

    Rounded counts no longer add up to their margins, so the importer could not check them, and
    sums of rounded counts add up the rounding errors: round the regional table instead.
    """
    if published.rule.get("rounding"):
        raise ValidationError(
            _(
                "A table for another STROM instance is exchanged without rounding: "
                "the receiving instance rounds the combined table if it wants."
            )
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "source": settings.STROM_INSTANCE_NAME,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        **published.spec.describe(),
        "rule": published.rule,
        "cells": published.cells(),
        "totals": published.totals(),
    }


# -- import ---------------------------------------------------------------------------------------


def _error(why: str, column: str = "", value: Any = "", row: int = 0) -> RowError:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return RowError(row, column, text[:200], why)


def _header(document: dict[str, Any]) -> tuple[list[dims.Dimension], list[RowError]]:
    """The table's dimensions and every problem of the file's header: format, source, dimensions,
    filters and the disclosure rule it was published under."""
    errors = _format_errors(document)
    if errors:
        return [], errors
    source = document.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > 200:
        errors.append(_error(_("The source must be the sending instance's name."), "source", source or ""))
    generated = document.get("generated_at")
    try:
        dt.datetime.fromisoformat(str(generated))
    except ValueError:
        errors.append(_error(_("Not a date and time (ISO 8601)."), "generated_at", generated or ""))
    by = _dimensions(document, errors)
    _check_where(document, errors)
    _check_rule(document.get("rule"), errors)
    return by, errors


def _format_errors(document: dict[str, Any]) -> list[RowError]:
    """A file of another format or version is read no further."""
    if document.get("format") != FORMAT:
        return [
            _error(
                _("This is not a STROM table exchange file (format %(format)s expected).")
                % {"format": FORMAT},
                "format",
                document.get("format", ""),
            )
        ]
    if document.get("version") != VERSION:
        return [
            _error(
                _("Version %(found)s of the format is not known here; this STROM reads version %(known)d.")
                % {"found": document.get("version"), "known": VERSION},
                "version",
                document.get("version", ""),
            )
        ]
    return []


def _dimensions(document: dict[str, Any], errors: list[RowError]) -> list[dims.Dimension]:
    by: list[dims.Dimension] = []
    names = document.get("by")
    if not isinstance(names, list) or not 1 <= len(names) <= 3 or len(set(map(str, names))) != len(names):
        errors.append(
            _error(_("The dimensions must be a list of one to three different names."), "by", names)
        )
    else:
        for name in names:
            dimension = dims.get(str(name))
            if dimension is None:
                errors.append(_error(_("There is no dimension %(name)s.") % {"name": name}, "by", name))
            else:
                by.append(dimension)
    return by


def _check_where(document: dict[str, Any], errors: list[RowError]) -> None:
    where = document.get("where")
    if not isinstance(where, list) or not all(isinstance(w, str) for w in where):
        errors.append(_error(_("The filters must be a list of texts."), "where", where))
    else:
        for text in where:
            try:
                parse_filter(text)
            except ValidationError as exc:
                errors.append(_error(" ".join(exc.messages), "where", text))


def _check_rule(rule: Any, errors: list[RowError]) -> None:
    """The rule the sender applied must be at least as strict as this instance's, and unrounded."""
    threshold = rule.get("threshold") if isinstance(rule, dict) else None
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 2:
        errors.append(
            _error(_("The rule must give the threshold applied (2 or more)."), "rule.threshold", threshold)
        )
    elif threshold < settings.STROM_STATS_THRESHOLD:
        errors.append(
            _error(
                _(
                    "The table was published with counts from %(threshold)d up; this instance withholds "
                    "counts under %(ours)d. Ask the sender to export it with --threshold %(ours)d."
                )
                % {"threshold": threshold, "ours": settings.STROM_STATS_THRESHOLD},
                "rule.threshold",
                threshold,
            )
        )
    perturbation = rule.get("perturbation") if isinstance(rule, dict) else None
    noise = perturbation.get("max_noise", 0) if isinstance(perturbation, dict) else 0
    if perturbation is not None and (
        not isinstance(perturbation, dict)
        or not isinstance(noise, int)
        or isinstance(noise, bool)
        or not 0 <= noise <= MAX_NOISE
    ):
        errors.append(
            _error(
                _("The perturbation must name its maximum noise, a whole number from 0 to %(most)d.")
                % {"most": MAX_NOISE},
                "rule.perturbation",
                perturbation,
            )
        )
    if isinstance(rule, dict) and rule.get("rounding"):
        errors.append(
            _error(
                _("A rounded table cannot be checked against its margins or added up: ask for it unrounded."),
                "rule.rounding",
                rule.get("rounding"),
            )
        )


def _entries(document: dict[str, Any], by: list[dims.Dimension], errors: list[RowError]) -> Entries:
    found: Entries = {}
    names: dict[tuple[str, str], Hashable] = {}
    for section in ("cells", "totals"):
        entries = document.get(section)
        if not isinstance(entries, list):
            errors.append(_error(_("Expected a list of entries."), section))
            continue
        if len(entries) > MAX_ENTRIES:
            errors.append(_error(_("Too many entries for one table."), section, str(len(entries))))
            continue
        for row, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or set(entry) != {*(d.name for d in by), "count"}:
                errors.append(
                    _error(
                        _("Each entry has one key per dimension of the table and count."),
                        section,
                        entry,
                        row,
                    )
                )
                continue
            key: list[Hashable | None] = []
            good = True
            for dimension in by:
                value = entry[dimension.name]
                column = f"{section}.{dimension.name}"
                if value is None:
                    if section == "cells":
                        errors.append(_error(_("A cell names a value of every dimension."), column, "", row))
                        good = False
                    key.append(None)
                    continue
                if not isinstance(value, str):
                    errors.append(_error(_("A value name is a text."), column, value, row))
                    good = False
                    continue
                if (dimension.name, value) not in names:
                    try:
                        names[(dimension.name, value)] = key_of(dimension, value)
                    except ValidationError as exc:
                        errors.append(_error(" ".join(exc.messages), column, value, row))
                        good = False
                        continue
                key.append(names[(dimension.name, value)])
            if section == "totals" and all(part is not None for part in key):
                errors.append(_error(_("A total leaves out at least one dimension."), section, entry, row))
                good = False
            count = entry["count"]
            if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
                errors.append(
                    _error(
                        _("A count is a whole number, 0 or more, or null where withheld."),
                        f"{section}.count",
                        count,
                        row,
                    )
                )
                good = False
            if not good:
                continue
            if tuple(key) in found:
                errors.append(_error(_("This entry appears twice."), section, entry, row))
                continue
            found[tuple(key)] = (section, row, count)
    return found


def _check_table(
    found: Entries, by: list[dims.Dimension], threshold: int, noise: int = 0
) -> tuple[list[list[Hashable]], list[RowError]]:
    """The whole table: every entry there, nothing under the threshold, no line giving an entry away,
    and cells adding up to their totals, each entry allowed to be `noise` off (the cell key method
    perturbs cells and totals separately, so a perturbed table does not add up exactly)."""
    errors: list[RowError] = []
    seen: list[set[Hashable]] = [set() for _ in by]
    for key in found:
        for i, part in enumerate(key):
            if part is not None:
                seen[i].add(part)
    municipalities = _municipalities(by)
    values = [order_values(d, s, municipalities) for d, s in zip(by, seen, strict=True)]
    total_word = _("total")  # outside the f-string, where makemessages finds it
    for key in all_keys(values):
        if key not in found:
            names = ", ".join(
                f"{d.name}={total_word if k is None else value_name(d, k, municipalities)}"
                for d, k in zip(by, key, strict=True)
            )
            errors.append(_error(_("The entry for %(key)s is missing.") % {"key": names}))
    if errors:
        return values, errors
    for section, row, count in found.values():
        if count is not None and 0 < count < threshold:
            errors.append(
                _error(
                    _("A count under the table's own threshold (%(threshold)d) was published.")
                    % {"threshold": threshold},
                    f"{section}.count",
                    count,
                    row,
                )
            )
    for parent, line in lines(values):
        if not line:
            continue
        section, row, total = found[parent]
        counts = [found[c][2] for c in line]
        withheld = sum(1 for c in counts if c is None) + (total is None)
        axis = next(i for i, part in enumerate(parent) if part is None and line[0][i] is not None)
        if withheld == 1:
            alone = next(k for k in [parent, *line] if found[k][2] is None)
            errors.append(
                _error(
                    _("The only withheld entry of its line: it can be worked out from the others."),
                    f"{found[alone][0]}.count",
                    "null",
                    found[alone][1],
                )
            )
        if total is None:
            continue
        published = [c for c in counts if c is not None]
        multiple = by[axis].kind == dims.MULTI
        slack = noise * (len(published) + 1)
        if multiple:
            wrong = any(c > total + 2 * noise for c in published) or (
                len(published) == len(counts) and sum(published) < total - slack
            )
        elif len(published) == len(counts):
            wrong = abs(sum(published) - total) > slack
        else:
            wrong = sum(published) > total + slack
        if wrong:
            errors.append(
                _error(
                    _("The cells of %(dimension)s do not add up to this total.")
                    % {"dimension": by[axis].name},
                    f"{section}.count",
                    total,
                    row,
                )
            )
    return values, errors


def _holds_nul(document: Any) -> bool:
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False


def table_check(
    data: bytes,
) -> tuple[dict[str, Any], list[dims.Dimension], dict[Key, tuple[str, int, int | None]], list[RowError]]:
    errors: list[RowError] = []
    if len(data) > MAX_BYTES:
        return {}, [], {}, [_error(_("The file is larger than a table exchange file can be."))]
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return {}, [], {}, [_error(_("The file is not UTF-8 text."))]
    except json.JSONDecodeError as exc:
        return {}, [], {}, [_error(_("The file is not JSON: %(why)s.") % {"why": exc.msg}, row=exc.lineno)]
    except RecursionError:
        return {}, [], {}, [_error(_("The file is nested too deeply to be a table exchange file."))]
    if _holds_nul(document):
        # PostgreSQL cannot store it, and no table exchange file has one.
        return {}, [], {}, [_error(_("The file holds a NUL character (\\u0000)."))]
    if not isinstance(document, dict):
        return (
            {},
            [],
            {},
            [
                _error(
                    _("This is not a STROM table exchange file (format %(format)s expected).")
                    % {"format": FORMAT}
                )
            ],
        )
    by, errors = _header(document)
    if not by or any(e.column == "version" or e.column == "format" for e in errors):
        return document, by, {}, errors
    found = _entries(document, by, errors)
    if errors:
        return document, by, found, errors
    rule = document["rule"]
    _values, table_errors = _check_table(found, by, rule["threshold"], noise_bound(rule))
    return document, by, found, errors + table_errors


# -- combining ------------------------------------------------------------------------------------


def _filter_form(flt: Filter) -> tuple[Any, ...]:
    return (flt.dimension.name, tuple(sorted(map(str, flt.values))), flt.low, flt.high)


def aggregate_counts(dataset: Dataset, spec: Spec) -> dict[Key, int | None]:
    """An aggregated dataset's entries on the table's dimensions; ValidationError when it cannot give them."""
    have = list(dataset.exchange.get("by", []))
    missing = [d.name for d in spec.by if d.name not in have]
    if missing:
        raise ValidationError(
            _(
                "The dataset %(name)s is a table by %(have)s from %(source)s: it has no %(missing)s, "
                "and no case-level data came with it to count them."
            )
            % {
                "name": dataset.name,
                "have": ", ".join(have),
                "source": dataset.exchange.get("source", ""),
                "missing": ", ".join(missing),
            }
        )
    theirs = {_filter_form(parse_filter(w)) for w in dataset.exchange.get("where", [])}
    ours = {_filter_form(f) for f in spec.filters}
    if theirs != ours:
        raise ValidationError(
            _(
                "The dataset %(name)s was published only where %(where)s; a table over it needs exactly "
                "those filters, because its people cannot be filtered again."
            )
            % {
                "name": dataset.name,
                "where": "; ".join(dataset.exchange.get("where", [])) or _("(no filter)"),
            }
        )
    positions = [have.index(d.name) for d in spec.by]
    others = [i for i in range(len(have)) if i not in positions]
    names: dict[tuple[int, str], Hashable] = {}
    counts: dict[Key, int | None] = {}
    for values, count in AggregateCell.objects.filter(dataset=dataset).values_list("values", "count"):
        if any(values[i] is not None for i in others):
            continue  # a table on fewer dimensions uses the other instance's margins over the rest
        key: list[Hashable | None] = []
        for position, dimension in zip(positions, spec.by, strict=True):
            name = values[position]
            if name is not None and (position, name) not in names:
                names[(position, name)] = key_of(dimension, name)
            key.append(None if name is None else names[(position, name)])
        counts[tuple(key)] = count
    return counts


def combined_perturbation(aggregates: list[Dataset], own: list[Dataset]) -> dict[str, Any]:
    """The noise in a sum of parts: each part's entries are off by at most its maximum noise, so the
    sum is off by at most their total; parts with no noise are exact."""
    own_rule = perturbation_rule(own) if own else None
    bounds = {d.name: noise_bound(d.exchange.get("rule", {})) for d in aggregates}
    variances = {
        d.name: float((d.exchange.get("rule", {}).get("perturbation") or {}).get("variance") or 0.0)
        for d in aggregates
    }
    theirs = [name for name, bound in bounds.items() if bound]
    perturbed = list(theirs)
    exact = [name for name, bound in bounds.items() if not bound]
    total = sum(bounds.values())
    variance = sum(variances[name] for name in theirs)
    if own_rule is not None:
        total += own_rule["max_noise"]
        variance += own_rule["variance"]
        perturbed += own_rule["perturbed"]
        exact += own_rule["exact"]
    # The noise of one part is known from its ptable; a sum of several parts' noises is not tabulated.
    alone = own_rule is not None and not theirs
    return {
        "method": METHOD if total else NONE,
        "max_noise": total,
        "variance": variance,
        "small_counts": own_rule["small_counts"] if alone and own_rule else None,
        "zero_noise_probability": (own_rule["zero_noise_probability"] if alone and own_rule else None)
        if total
        else 1.0,
        "additive": not total,
        "perturbed": perturbed,
        "exact": exact,
    }


def combined_publish(spec: Spec) -> tuple[list[list[Hashable]], Any]:
    """A regional table: the parts' published counts added, then this instance's rule on the sum."""
    threshold = threshold_for(spec)
    aggregates = [d for d in spec.datasets if d.kind == DatasetKind.AGGREGATE]
    own = [d for d in spec.datasets if d.kind != DatasetKind.AGGREGATE]
    parts: list[tuple[str, dict[Key, int | None]]] = [(d.name, aggregate_counts(d, spec)) for d in aggregates]
    if own:
        own_counts, own_values = build_table(replace(spec, datasets=own, rounding=None))
        own_part = control(own_counts, own_values, threshold=threshold).counts
        parts.append(("+".join(d.name for d in own), own_part))
    seen: list[set[Hashable]] = [set() for _ in spec.by]
    for _name, counts in parts:
        for key in counts:
            for i, part in enumerate(key):
                if part is not None:
                    seen[i].add(part)
    municipalities = _municipalities(spec.by)
    values = [order_values(d, s, municipalities) for d, s in zip(spec.by, seen, strict=True)]
    summed: dict[Key, int] = {}
    withheld: set[Key] = set()
    for key in all_keys(values):
        total = 0
        for _name, counts in parts:
            # A value a part does not list had nobody in that part: it adds 0.
            count = counts.get(key, 0)
            if count is None:
                withheld.add(key)
                break
            total += count
        summed[key] = total
    controlled = control(
        summed,
        values,
        threshold=threshold,
        rounding=spec.rounding,
        withheld_in_parts=withheld,
        perturbation=combined_perturbation(aggregates, own),
    )
    controlled.rule.setdefault("withheld_in_parts", 0)
    controlled.rule["combined"] = COMBINED_RULE
    controlled.rule["parts"] = [
        {
            "dataset": d.name,
            "source": d.exchange.get("source", ""),
            "threshold": d.exchange.get("rule", {}).get("threshold"),
            "max_noise": noise_bound(d.exchange.get("rule", {})),
            "generated_at": d.exchange.get("generated_at", ""),
        }
        for d in aggregates
    ] + (
        [
            {
                "dataset": parts[-1][0],
                "source": settings.STROM_INSTANCE_NAME,
                "threshold": threshold,
                "max_noise": perturbation_rule(own)["max_noise"],
            }
        ]
        if own
        else []
    )
    return values, controlled
