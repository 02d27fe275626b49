from django.apps import AppConfig


class GuidelinesConfig(AppConfig):
    name = "strom.guidelines"
    label = "guidelines"
    verbose_name = "Guidelines"
