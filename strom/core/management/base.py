"""The base of STROM's own data commands (`strom stats`, `strom person`, `strom hub` ...)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags
from django.core.checks.registry import registry
from django.core.management.base import BaseCommand


class DataCommand(BaseCommand):
    """Runs every system check but the URL configuration's.

    That one imports every view and builds the API's schema, three quarters of a second on each
    command and most of the start-up of a quick one such as a statistics table; a command that never
    answers a request needs none of it. `strom check`, `strom run` and `strom migrate` check the URLs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.requires_system_checks = sorted(registry.tags_available() - {Tags.urls})
        super().__init__(*args, **kwargs)
