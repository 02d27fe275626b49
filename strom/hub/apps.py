from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "strom.hub"
    label = "hub"
    verbose_name = "Knowledge hub"

    def ready(self) -> None:
        from strom.hub.index import connect_signals

        # The search sources register from their apps' ready(); the receivers look them up per save.
        connect_signals()
