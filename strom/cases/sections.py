"""The sections other apps add to the case page: support, consent, the case file, referrals, screenings.

Each app registers the function that builds its section's context, the way it registers its timeline
source (strom/cases/timeline.py), so the case page does not import the apps above it. A section is
called with the viewer and a case the viewer may see (from `get_case_for`), and shows only what that
viewer may see, through the app's own access functions; the app's timeline source asks the same ones.
The keys a section adds carry its app's prefix (`casefile_`, `support_`...), so sections never clash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

Section = Callable[["User", "Case"], dict[str, Any]]
_SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    _SECTIONS.append(section)
    return section


def sections_context(user: User, case: Case) -> dict[str, Any]:
    """Every registered section's context for `user`. `case` must come from `get_case_for(user, ...)`."""
    context: dict[str, Any] = {}
    for section in _SECTIONS:
        context.update(section(user, case))
    return context
