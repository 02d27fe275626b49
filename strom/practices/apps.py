from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "strom.practices"
    label = "practices"
    verbose_name = "Practices"
