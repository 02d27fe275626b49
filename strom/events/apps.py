from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "strom.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from strom.events.search import register

        register()
