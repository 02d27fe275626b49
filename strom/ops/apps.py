from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "strom.ops"
    label = "ops"
    verbose_name = "Operations"
