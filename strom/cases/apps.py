from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strom.cases"
    label = "cases"

    def ready(self) -> None:
        # Timeline sources register themselves on import.
        from strom.cases import casework_timeline  # noqa: F401

        # The clocks register their case_opened hook; the stage parts add their timeline source.
        from strom.cases import clocks, timeline_stages  # noqa: F401
