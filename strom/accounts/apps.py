from typing import Any

from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "strom.accounts"
    label = "accounts"

    def ready(self) -> None:
        from strom.accounts.checks import check_memberships_fit_org_types

        # Not tagged "database", so a plain `strom check` runs it; it stays silent without a database.
        checks.register(check_memberships_fit_org_types, "strom")
        _forget_cached_users_on_change()


def _forget_cached_users_on_change() -> None:
    """A change of a user, membership, device or organisation takes effect on the next request
    (strom.accounts.auth_cache)."""
    from django.db.models.signals import post_delete, post_save
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from strom.accounts import auth_cache
    from strom.accounts.models import Membership, User
    from strom.directory.models import Organisation

    def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        auth_cache.forget_user(instance.pk if isinstance(instance, User) else instance.user_id)

    def organisation_changed(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
        if not created:  # a new organisation is in nobody's memberships yet
            auth_cache.forget_everyone()

    for model in (User, Membership, TOTPDevice, StaticDevice):
        post_save.connect(
            user_changed, sender=model, dispatch_uid=f"auth-cache-{model.__name__}-save", weak=False
        )
        post_delete.connect(
            user_changed, sender=model, dispatch_uid=f"auth-cache-{model.__name__}-delete", weak=False
        )
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            organisation_changed,
            sender=Organisation,
            dispatch_uid=f"auth-cache-organisation-{name}",
            weak=False,
        )
