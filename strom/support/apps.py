from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "strom.support"
    label = "support"

    def ready(self) -> None:
        # The case timeline's source for needs, plan and services registers itself on import.
        from strom.support import timeline  # noqa: F401
