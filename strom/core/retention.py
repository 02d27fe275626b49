"""What happens to a model's rows when a case is anonymised or erased, declared on the model itself.

Every model that holds personal data (docs/adding-a-model.md says which) carries a class attribute:

    retention = Retention(on_anonymise=Scrub(clear=("age_estimate",)))
    retention = Retention(on_anonymise=DELETE)
    retention = Retention(holds_case=Hold(open=~Q(status__in=("concluded", "discontinued"))))
    retention = OutsideCases("staff accounts end with the account, not with a case")

Retention and erasure (strom/cases/retention.py, strom/cases/erasure.py) read these declarations;
nothing is guessed from a model's name. tests/test_personal_data_models.py fails when a model with
personal data declares nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q


@dataclass(frozen=True)
class Scrub:
    """Keep the row and clear what identifies a person.

    Fields are classified by type (strom/cases/retention.py `field_rule`): encrypted fields, blind
    indexes, free text and files are cleared; codes, numbers, dates, flags and links are kept as the
    statistical skeleton. `clear` and `keep` name the fields where the type would decide wrongly, and
    fields no type rule can classify (JSON, arrays of free text).
    """

    clear: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delete:
    """The whole row goes, with its files (rows that identify by themselves or keep files)."""


SCRUB = Scrub()
DELETE = Delete()


@dataclass(frozen=True)
class Hold:
    """A row matching `open` holds its case back: retention skips the case and reports why.

    `case` is the path from the model to its case ("case", or "pk" on the case itself); `name` is
    what the report says (default "open <verbose name>").
    """

    open: Q
    case: str = "case"
    name: str = ""


@dataclass(frozen=True)
class Retention:
    """The rows of a model that lives with a case or a person.

    on_anonymise: SCRUB (default) or DELETE, when the case's retention period ends.
    on_erase: always DELETE: an erasure removes everything held about the person (GDPR Art. 17).
    holds_case: rows that keep their case beyond its retention period.
    """

    on_anonymise: Scrub | Delete = SCRUB
    on_erase: Delete = DELETE
    holds_case: Hold | None = None


@dataclass(frozen=True)
class OutsideCases:
    """Personal data whose life is not a case's (staff accounts): case retention never touches it."""

    why: str


def declared_retention(model: type[Any]) -> Retention | OutsideCases | None:
    """The model's declaration, or None when it declares nothing."""
    value = getattr(model, "retention", None)
    return value if isinstance(value, Retention | OutsideCases) else None
