from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    """Browsing the audit log: the page and the API route. The record itself is `strom.audit`."""

    name = "strom.auditlog"
    label = "auditlog"
