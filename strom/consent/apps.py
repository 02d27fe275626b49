from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "strom.consent"
    label = "consent"
