"""The national coordinator's figures: their dashboard page, and the first thing on their home page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strom.stats import charts
from strom.stats.access import may_see_dashboard
from strom.stats.selectors import dashboard_for

if TYPE_CHECKING:
    from strom.accounts.models import User


def coordinator_board(user: User) -> dict[str, Any]:
    board = dashboard_for(user)
    return {
        "board": board,
        "stage_chart": charts.bars(list(board.open_by_stage)),
        "clock_chart": charts.bars(list(board.overdue_by_clock)),
    }


def coordinator_panel(user: User) -> dict[str, Any] | None:
    """The home page panel: for those who oversee the referral mechanism, nobody else."""
    return coordinator_board(user) if may_see_dashboard(user) else None
