"""The chain of assistance on a case: stages, decisions, reflection periods, return plans, residence
permits, proceedings, clocks, tasks and reminders, and the countries' rules the clocks follow.

It sits above `cases` and imports it; `cases` does not import it. Its models keep the `cases_*` tables
they had when they lived in `cases`. Its URLs stay under cases/ in the `cases` namespace (strom/site).

Two subjects, two modules where one would be too long: the stages (`models`, `services`, `selectors`,
`forms`, `views`, `api`) and the country rules (`services_rules`, `selectors_rules`, `forms_rules`,
`views_rules`, `api_rules`; with `country_rules` and `periods`, the rules as data). `stages.py` is the
chain as data (which stage may follow which), `clocks.py` the deadlines that make tasks, `tasks.py`
the reminder job, `timeline.py` its entries on the case timeline.
"""

from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "strom.stages"
    label = "stages"

    def ready(self) -> None:
        # The timeline source registers itself on import; a new case starts the reasonable-grounds clock.
        from django.utils.translation import gettext_lazy as _

        from strom.cases import hooks, retention
        from strom.core.notifications import register_messages
        from strom.core.registry import (
            CaseSection,
            DashboardPanel,
            SectionLink,
            WorkerJob,
            register_case_section,
            register_dashboard_panel,
            register_worker_job,
        )
        from strom.stages import clocks, country_rules, services_requests, timeline  # noqa: F401
        from strom.stages.selectors import decision_requests_panel, stages_section_context
        from strom.stages.services import clocks_on_case_opened
        from strom.stages.tasks import reminders_job

        hooks.register("case_opened", clocks_on_case_opened)
        retention.register_rules(in_force=country_rules.rules_for, every_country=country_rules.all_rules)
        register_messages(clocks.NOTIFICATION_MESSAGES)
        register_messages(services_requests.NOTIFICATION_MESSAGES)
        register_worker_job(WorkerJob(name="task reminders", order=10, run=reminders_job))
        register_dashboard_panel(
            DashboardPanel(
                name="decision_requests",
                order=15,
                template="stages/_dashboard_panel.html",
                context=decision_requests_panel,
            )
        )
        # The overview's lines on the case page register on import.
        from strom.stages import glance  # noqa: F401

        register_case_section(
            CaseSection(
                name="stages",
                order=10,
                label=_("Stage and tasks"),
                context=stages_section_context,
                templates=("stages/_stage_panel.html", "stages/_tasks.html"),
                links=(
                    SectionLink("stage-panel", _("Stage and decisions")),
                    SectionLink("case-tasks", _("Tasks")),
                ),
            )
        )
