from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "strom.core"
    label = "core"
