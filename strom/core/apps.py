from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "strom.core"
    label = "core"

    def ready(self) -> None:
        from strom.core import lookups

        lookups.register()
