from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "strom.accounts"
    label = "accounts"

    def ready(self) -> None:
        from strom.accounts.checks import check_memberships_fit_org_types

        # Not tagged "database", so a plain `strom check` runs it; it stays silent without a database.
        checks.register(check_memberships_fit_org_types, "strom")
