from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "strom.accounts"
    label = "accounts"
