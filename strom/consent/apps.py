from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "strom.consent"
    label = "consent"

    def ready(self) -> None:
        # The case timeline's source for consent registers itself on import.
        from strom.consent import timeline  # noqa: F401
