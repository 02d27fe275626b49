from django.apps import AppConfig


class GuidelinesConfig(AppConfig):
    name = "strom.guidelines"
    label = "guidelines"
    verbose_name = "Guidelines"

    def ready(self) -> None:
        from strom.core.search import register_search_source
        from strom.guidelines.search import SOURCE

        register_search_source(SOURCE)
