from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "strom.support"
    label = "support"

    def ready(self) -> None:
        # The case page's section and timeline source for needs, plan and services register on import.
        from strom.support import selectors, timeline  # noqa: F401
