from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "strom.pathways"
    label = "pathways"
