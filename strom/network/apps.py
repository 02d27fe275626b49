from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "strom.network"
    label = "network"
