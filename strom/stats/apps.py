from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_perturbation(**kwargs: Any) -> list[checks.CheckMessage]:
    """Bad cell key parameters stop `strom check` (and start-up), not the first table."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from strom.stats.cellkey import check_parameters

    try:
        check_parameters(
            settings.STROM_STATS_NOISE_MAX,
            float(settings.STROM_STATS_NOISE_VARIANCE),
            settings.STROM_STATS_NOISE_SMALL,
        )
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="stats.E001")]
    return []


class StatsConfig(AppConfig):
    name = "strom.stats"
    label = "stats"

    def ready(self) -> None:
        from strom.core.registry import (
            DashboardPanel,
            WorkerJob,
            register_dashboard_panel,
            register_worker_job,
        )
        from strom.stats.panels import coordinator_panel
        from strom.stats.tasks import stats_job

        checks.register(check_perturbation)

        # Statistics imports and refreshes: after the reminders, so a long import does not delay them.
        register_worker_job(WorkerJob(name="statistics round", order=30, run=stats_job))
        # The coordinator's home page is their dashboard: its figures come first.
        register_dashboard_panel(
            DashboardPanel(
                name="coordinator",
                order=0,
                template="stats/_coordinator_panel.html",
                context=coordinator_panel,
            )
        )
