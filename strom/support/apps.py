from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "strom.support"
    label = "support"
