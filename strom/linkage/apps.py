from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "strom.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
