from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "strom.casefile"
    label = "casefile"

    def ready(self) -> None:
        # The case page's sections and timeline sources, and removal of document files with their rows.
        from strom.casefile import selectors, signals, timeline  # noqa: F401
