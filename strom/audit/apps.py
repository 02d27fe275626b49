from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "strom.audit"
    label = "audit"
