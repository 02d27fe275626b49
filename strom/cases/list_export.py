"""The case list as a CSV or XLSX file: the cases the user may see that pass the list's filters, in
the list's order, with the columns the list shows.

Rows come from the same selector as the page (`Case.objects.visible_to` under the filters), so a file
never holds a case the page would not show. The download is recorded like a page of the list: one
audit read naming every case in the file (strom/cases/reads.py).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from strom.cases.reads import audit_case_list
from strom.cases.selectors import CaseFilters, ListedCase, listed_cases, sorted_cases
from strom.core.spreadsheets import CsvWriter, XlsxWriter

if TYPE_CHECKING:
    from strom.accounts.models import User

# A file is for working with a list, not for copying the register: past this, narrow the filters.
EXPORT_LIMIT = 5000
FORMATS = ("csv", "xlsx")


def _header() -> list[str]:
    return [
        _("Reference"),
        _("Person"),
        _("Stage"),
        _("Next due"),
        _("Case worker"),
        _("Municipality"),
        _("Opened"),
        _("Child's case"),
    ]


def _row(case: ListedCase) -> list[object]:
    return [
        case.ref,
        case.person.display_name,
        case.get_stage_display(),
        case.next_due_at.isoformat() if case.next_due_at else "",
        case.owner.get_full_name() if case.owner else _("not assigned"),
        case.municipality.name,
        case.opened_at.date().isoformat(),
        _("Yes") if case.is_child else _("No"),
    ]


def export_cases(user: User, filters: CaseFilters, sort: str) -> list[ListedCase]:
    """The rows of the file, refused with a message when there are too many."""
    rows = listed_cases(sorted_cases(user, filters, sort), EXPORT_LIMIT + 1)
    if len(rows) > EXPORT_LIMIT:
        raise ValidationError(
            _("More than %(limit)s cases match: narrow the filters to download them.")
            % {"limit": EXPORT_LIMIT}
        )
    return rows


def export_file(user: User, filters: CaseFilters, sort: str, fmt: str) -> bytes:
    """The file's bytes; the read is audited before they are handed out."""
    cases = export_cases(user, filters, sort)
    audit_case_list(user, cases, channel_page=f"export-{fmt}")
    if fmt == "xlsx":
        book = XlsxWriter()
        sheet = book.sheet(_("Cases")[:31])
        sheet.writerow(_header())
        for case in cases:
            sheet.writerow(_row(case))
        return book.getvalue()
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\r\n")
    writer.writerow(_header())
    writer.writerows(_row(case) for case in cases)
    # A byte order mark, so that spreadsheet programs read names in any script as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
