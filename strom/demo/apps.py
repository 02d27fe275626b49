from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "strom.demo"
    label = "demo"
