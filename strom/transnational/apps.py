from django.apps import AppConfig


class TransnationalConfig(AppConfig):
    name = "strom.transnational"
    label = "transnational"
    verbose_name = "Transnational referral"
