from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "strom.directory"
    label = "directory"
