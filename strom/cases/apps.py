from typing import Any

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strom.cases"
    label = "cases"

    def ready(self) -> None:
        # Timeline sources register themselves on import.
        from strom.cases import casework_timeline  # noqa: F401
        from strom.cases.selectors import my_cases_panel
        from strom.core.registry import DashboardPanel, register_dashboard_panel

        _renew_pick_lists_on_change()
        register_dashboard_panel(
            DashboardPanel(
                name="my_cases", order=10, template="cases/_dashboard_panel.html", context=my_cases_panel
            )
        )


# What of a user the case workers' pick-list shows or depends on.
_USER_SHOWN = {"full_name", "email", "is_active"}


def _renew_pick_lists_on_change() -> None:
    """The case list's pick-lists of case workers and municipalities are kept in the cache
    (strom.cases.views_list): any change to what they are made of shows on the next page."""
    from django.db.models.signals import post_delete, post_save

    from strom.accounts.models import Membership, User
    from strom.cases.selectors import PICK_LISTS_GENERATION
    from strom.core import cache_tokens
    from strom.directory.models import Municipality, Organisation

    def changed(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
        # A sign-in saves the user's last_login alone, which no pick-list shows.
        if sender is User and update_fields is not None and not set(update_fields) & _USER_SHOWN:
            return
        cache_tokens.renew(PICK_LISTS_GENERATION)

    for model in (User, Membership, Organisation, Municipality):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                changed, sender=model, dispatch_uid=f"pick-lists-{model.__name__}-{name}", weak=False
            )
