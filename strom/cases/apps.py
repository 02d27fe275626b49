from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strom.cases"
    label = "cases"

    def ready(self) -> None:
        # Timeline sources register themselves on import.
        from strom.cases import casework_timeline  # noqa: F401
