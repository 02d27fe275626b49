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
        checks.register(check_perturbation)
