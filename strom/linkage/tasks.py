"""Background work of record linkage, run by `strom worker` every round."""

from __future__ import annotations

from django.utils.translation import ngettext

from strom.linkage.models import PendingCheck
from strom.linkage.services import pending_checks_run


def duplicate_check_job() -> str:
    """Persons whose case was opened since the last round, compared with their organisation's persons."""
    if not PendingCheck.objects.exists():
        return ""
    found = pending_checks_run()
    return ngettext("%(n)d new duplicate pair to review.", "%(n)d new duplicate pairs to review.", found) % {
        "n": found
    }
