from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "strom.hotline"
    label = "hotline"
    verbose_name = "Hotline"
