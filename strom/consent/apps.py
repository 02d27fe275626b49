from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "strom.consent"
    label = "consent"

    def ready(self) -> None:
        # The case page's consent section and timeline source register themselves on import.
        from strom.consent import selectors, timeline  # noqa: F401
