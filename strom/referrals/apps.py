from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "strom.referrals"
    label = "referrals"

    def ready(self) -> None:
        # The inbox (strom/accounts) shows messages by key; referral keys are registered here.
        from django.utils.translation import gettext_lazy as _

        from strom.core.notifications import register_messages
        from strom.core.registry import (
            CaseSection,
            DashboardPanel,
            WorkerJob,
            register_case_audit_objects,
            register_case_closed_notice,
            register_case_section,
            register_dashboard_panel,
            register_worker_job,
        )
        from strom.referrals import glance  # noqa: F401  the case page overview's line
        from strom.referrals.notify import MESSAGES
        from strom.referrals.selectors import (
            live_referrals_notice,
            referral_audit_objects,
            referral_section_context,
            referrals_panel,
        )
        from strom.referrals.tasks import reminders_job

        register_messages(MESSAGES)

        register_worker_job(WorkerJob(name="referral reminders", order=20, run=reminders_job))
        register_dashboard_panel(
            DashboardPanel(
                name="referrals",
                order=20,
                template="referrals/_dashboard_panel.html",
                context=referrals_panel,
            )
        )
        register_case_section(
            CaseSection(
                name="referrals",
                order=50,
                label=_("Referrals"),
                context=referral_section_context,
                templates=("referrals/_case_section.html",),
            )
        )
        register_case_closed_notice(live_referrals_notice)
        register_case_audit_objects(referral_audit_objects)
