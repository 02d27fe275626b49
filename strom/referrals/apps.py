from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "strom.referrals"
    label = "referrals"

    def ready(self) -> None:
        # The inbox (strom/cases) shows messages by key; referral keys are registered here.
        from strom.cases.clocks import NOTIFICATION_MESSAGES
        from strom.referrals import selectors  # noqa: F401  registers the case page's referral section
        from strom.referrals.notify import MESSAGES

        NOTIFICATION_MESSAGES.update(MESSAGES)
