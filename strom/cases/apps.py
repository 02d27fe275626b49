from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strom.cases"
    label = "cases"
