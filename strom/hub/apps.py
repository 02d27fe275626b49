from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "strom.hub"
    label = "hub"
    verbose_name = "Knowledge hub"
