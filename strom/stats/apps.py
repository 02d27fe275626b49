from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "strom.stats"
    label = "stats"
