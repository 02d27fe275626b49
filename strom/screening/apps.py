from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "strom.screening"
    label = "screening"

    def ready(self) -> None:
        from strom.screening import timeline  # noqa: F401  registers the case timeline source
