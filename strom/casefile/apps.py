from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "strom.casefile"
    label = "casefile"

    def ready(self) -> None:
        # Timeline sources for the case page, and removal of document files with their rows.
        from strom.casefile import signals, timeline  # noqa: F401
