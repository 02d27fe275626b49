from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strom.cases"
    label = "cases"

    def ready(self) -> None:
        # Timeline sources register themselves on import; the clocks register their case_opened hook.
        from strom.cases import casework_timeline, clocks, timeline_stages  # noqa: F401
