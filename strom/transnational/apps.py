from django.apps import AppConfig


class TransnationalConfig(AppConfig):
    name = "strom.transnational"
    label = "transnational"
    verbose_name = "Transnational referral"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from strom.core.navigation import NavItem, register_nav_item
        from strom.core.registry import CaseSection, WorkerJob, register_case_section, register_worker_job
        from strom.core.roles import Perm
        from strom.referrals.selectors import register_disclosure_source
        from strom.stages.clocks import TASK_TITLES
        from strom.transnational.access import focal_point_org_ids
        from strom.transnational.selectors import disclosures, section_context
        from strom.transnational.services import FOLLOW_UP_TASK, HANDOVER_TASK
        from strom.transnational.tasks import outbox_job, retention_job

        register_worker_job(WorkerJob(name="transnational outbox", order=22, run=outbox_job))
        register_worker_job(WorkerJob(name="transnational retention", order=41, run=retention_job))
        register_case_section(
            CaseSection(
                name="transnational",
                order=55,
                label=_("Other countries"),
                context=section_context,
                templates=("transnational/_case_section.html",),
            )
        )
        register_disclosure_source(disclosures)
        # The inbox and outbox, for the focal points of organisations marked as such in the network.
        register_nav_item(
            NavItem(
                _("Other countries"),
                "transnational:list",
                Perm.TRM_FOCAL_POINT,
                shown=lambda user: bool(focal_point_org_ids(user)),
            ),
            after="referrals:list",
        )
        # The reminders of an agreed return plan are tasks on the case (strom/stages).
        TASK_TITLES[HANDOVER_TASK] = _("Cross-border return: handover agreed with the partner country")
        TASK_TITLES[FOLLOW_UP_TASK] = _(
            "Cross-border return: follow-up contact agreed with the partner country"
        )
