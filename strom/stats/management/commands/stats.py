"""`strom stats table|dimensions|refresh|imports|export|synthetic`: figures for scripts.

The command line gets exactly what the pages and the API get: tables after disclosure control. The
operator also gets the exchange exports (k-anonymised CTDC rows, pseudonymised HTCDS records,
Eurostat tables) and differentially private synthetic extracts. A file is written under a temporary
name and renamed only when complete: a failed export leaves no half file behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import STATISTICS
from strom.core.management.base import DataCommand
from strom.stats.engine import Spec, parse_by, parse_datasets, parse_filter
from strom.stats.exchange import exchange_document
from strom.stats.refresh import facts_refresh
from strom.stats.selectors import dimension_listing
from strom.stats.services import table_publish
from strom.stats.tables import perturbation_notes
from strom.stats.tasks import run_import_jobs


class Command(DataCommand):
    help = "Statistics: tables (after disclosure control), the dimensions, and refreshing STROM's facts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand",
            required=True,
            metavar="{table,dimensions,refresh,imports,export,synthetic,ptable}",
        )
        table = sub.add_parser("table", help="A table of one to three dimensions, disclosure-controlled.")
        table.add_argument("--dataset", default="strom", help="dataset name, several with commas, or all")
        table.add_argument("--by", required=True, help="DIM[,DIM[,DIM]]")
        table.add_argument(
            "--where", action="append", default=[], help="DIM=VALUE[,VALUE…] or DIM=FROM..TO; repeatable"
        )
        table.add_argument("--round", type=int, default=None, help="round published counts to this base")
        table.add_argument(
            "--format",
            choices=["json", "csv", "strom"],
            default="json",
            help="strom: the exchange file another STROM instance imports (strom import table)",
        )
        table.add_argument(
            "--threshold",
            type=int,
            default=None,
            help="withhold counts under this if above STROM_STATS_THRESHOLD (for a stricter receiver)",
        )
        dimensions = sub.add_parser("dimensions", help="The dimension names and their values.")
        dimensions.add_argument("--format", choices=["text", "json"], default="text")
        sub.add_parser("refresh", help="Rebuild the facts of STROM's own cases now.")
        ptable = sub.add_parser(
            "ptable",
            help="The cell key method's perturbation table: this instance's, or one with other parameters.",
        )
        ptable.add_argument("--max-noise", type=int, default=None, help="D (default STROM_STATS_NOISE_MAX)")
        ptable.add_argument(
            "--variance", type=float, default=None, help="V (default STROM_STATS_NOISE_VARIANCE)"
        )
        ptable.add_argument("--small", type=int, default=None, help="js (default STROM_STATS_NOISE_SMALL)")
        sub.add_parser(
            "imports", help="Run the imports uploaded on the statistics page (strom worker does too)."
        )
        export = sub.add_parser(
            "export",
            help="STROM's cases in an exchange format (ctdc: k-anonymised rows; htcds: pseudonymised "
            "records; eurostat: disclosure-controlled tables).",
        )
        export.add_argument("format", choices=["ctdc", "htcds", "eurostat"])
        export.add_argument("--out", required=True, help="file to write; - for standard output")
        export.add_argument(
            "--k", type=int, default=11, help="ctdc: the smallest group of alike rows (default 11)"
        )
        export.add_argument("--round", type=int, default=None, help="eurostat: round counts to this base")
        export.add_argument(
            "--as",
            dest="file_format",
            choices=["csv", "json"],
            default=None,
            help="htcds: csv or json (JSON Lines); default from the file name, else csv",
        )
        synthetic = sub.add_parser(
            "synthetic", help="A differentially private synthetic extract (spends privacy budget)."
        )
        synthetic.add_argument("--by", required=True, help="DIM,DIM[,DIM[,DIM]]: single-valued dimensions")
        synthetic.add_argument("--epsilon", type=float, required=True, help="privacy budget to spend")
        synthetic.add_argument(
            "--rows", type=int, default=None, help="rows to draw (default: the noisy total)"
        )
        synthetic.add_argument(
            "--seed", type=int, default=None, help="fixes the drawing of rows, not the noise"
        )
        synthetic.add_argument("--dataset", default="strom", help="one case-level dataset (default strom)")
        synthetic.add_argument("--out", required=True, help="file to write; - for standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "refresh":
            count = facts_refresh()
            self.stdout.write(
                ngettext("Facts refreshed: %(count)d case.", "Facts refreshed: %(count)d cases.", count)
                % {"count": count}
            )
        elif command == "imports":
            done = run_import_jobs()
            self.stdout.write(_("Imports run: %(count)d.") % {"count": done})
        elif command == "export":
            self._export(options)
        elif command == "synthetic":
            self._synthetic(options)
        elif command == "ptable":
            self._ptable(options)
        elif command == "dimensions":
            self._dimensions(options["format"])
        else:
            self._table(options)

    def _write(self, path: str, run: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """Run `run(out)` into `path` (or standard output); the file appears only when complete."""
        if path == "-":
            return run(self.stdout)
        target = Path(path)
        partial = target.with_name(f".{target.name}.part")
        try:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                report = run(out)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return report

    def _export(self, options: dict[str, Any]) -> None:
        from strom.stats.export import export_ctdc, export_eurostat
        from strom.stats.htcds import write_htcds

        if options["k"] < 2:
            raise CommandError(_("k must be at least 2."))
        chosen = options["file_format"] or ("json" if options["out"].endswith((".json", ".jsonl")) else "csv")
        file_format: Literal["csv", "json"] = "json" if chosen == "json" else "csv"

        def run(out: Any) -> dict[str, Any]:
            if options["format"] == "ctdc":
                return export_ctdc(out, by=STATISTICS, k=options["k"])
            if options["format"] == "htcds":
                report = write_htcds(out, fmt=file_format, by=STATISTICS)
                return report.as_dict()
            return export_eurostat(out, by=STATISTICS, rounding=options["round"])

        report = self._write(options["out"], run)
        self.stderr.write(json.dumps(report, indent=1, default=str))

    def _synthetic(self, options: dict[str, Any]) -> None:
        from strom.stats.synthetic import synthetic_extract

        dimensions = [d.strip() for d in options["by"].split(",") if d.strip()]

        def run(out: Any) -> dict[str, Any]:
            release = synthetic_extract(
                out,
                dimensions=dimensions,
                epsilon=options["epsilon"],
                rows=options["rows"],
                by=STATISTICS,
                seed=options["seed"],
                dataset=options["dataset"],
            )
            return asdict(release)

        try:
            report = self._write(options["out"], run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(json.dumps(report, indent=1, default=str))

    def _ptable(self, options: dict[str, Any]) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from strom.stats.cellkey import make_ptable, ptable_text

        def given(name: str, default: Any) -> Any:
            return default if options[name] is None else options[name]

        try:
            table = make_ptable(
                given("max_noise", settings.STROM_STATS_NOISE_MAX),
                float(given("variance", settings.STROM_STATS_NOISE_VARIANCE)),
                given("small", settings.STROM_STATS_NOISE_SMALL),
            )
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(ptable_text(table))

    def _dimensions(self, fmt: str) -> None:
        listing = dimension_listing()
        if fmt == "json":
            self.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2))
            return
        for dimension in listing:
            values = ", ".join(v["name"] for v in dimension["values"])
            self.stdout.write(f"{dimension['name']}: {dimension['label']}")
            self.stdout.write(f"    {values}")

    def _table(self, options: dict[str, Any]) -> None:
        try:
            if options["round"] is not None and options["round"] < 1:
                raise ValidationError(_("Rounding needs a base of 1 or more."))
            spec = Spec(
                datasets=parse_datasets(options["dataset"]),
                by=parse_by(options["by"]),
                filters=[parse_filter(w) for w in options["where"]],
                rounding=options["round"],
                threshold=options["threshold"],
            )
            if options["format"] == "strom" and options["round"]:
                raise ValidationError(
                    _("A table for another STROM instance is exchanged without rounding: leave out --round.")
                )
            published = table_publish(by=STATISTICS, spec=spec)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["format"] == "strom":
            document = exchange_document(published)
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
        elif options["format"] == "csv":
            self.stdout.write(published.csv_text(), ending="")
        else:
            self.stdout.write(json.dumps(published.cells(), ensure_ascii=False, indent=1))
        rule = published.rule
        for note in perturbation_notes(rule):
            self.stderr.write(note)
        if rule.get("combined"):
            self.stderr.write(
                _("Combined: an entry withheld in any part is withheld in the sum. Withheld so: %(count)d.")
                % {"count": rule["withheld_in_parts"]}
            )
        self.stderr.write(
            _(
                "Disclosure control: counts under %(threshold)d withheld. Withheld as small: %(primary)d. "
                "Withheld so they cannot be worked out from totals: %(secondary)d.%(rounding)s"
            )
            % {
                "threshold": rule["threshold"],
                "primary": rule["withheld_primary"],
                "secondary": rule["withheld_secondary"],
                "rounding": (" " + _("Rounded to a multiple of %(base)d.") % {"base": rule["rounding"]})
                if rule["rounding"]
                else "",
            }
        )
