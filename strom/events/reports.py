"""The training report as CSV, for the page, the API and the command line."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from strom.core.countries import countries
from strom.core.spreadsheets import CsvWriter
from strom.core.vocabulary import Sector
from strom.events.selectors import TrainedRow


def sector_label(code: str) -> str:
    return str(Sector(code).label) if code in Sector.values else _("Not given")


def trained_csv(rows: list[TrainedRow]) -> bytes:
    """One line per year, country and sector, codes and names both: a spreadsheet reads the names,
    a program the codes."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["year", "country", "country_name", "sector", "sector_name", "people_trained"])
    for row in rows:
        writer.writerow(
            [
                row.year,
                row.country,
                countries().get(row.country, row.country),
                row.sector,
                sector_label(row.sector) if row.sector else _("Not given"),
                row.people,
            ]
        )
    return out.getvalue().encode("utf-8")
