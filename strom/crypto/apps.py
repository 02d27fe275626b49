from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "strom.crypto"
    label = "crypto"
