from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "strom.screening"
    label = "screening"
