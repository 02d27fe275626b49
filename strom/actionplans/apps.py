from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "strom.actionplans"
    label = "actionplans"
    verbose_name = "Action plans"
