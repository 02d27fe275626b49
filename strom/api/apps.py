from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "strom.api"
    label = "api"
