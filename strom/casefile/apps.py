from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "strom.casefile"
    label = "casefile"
