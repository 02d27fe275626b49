from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "strom.screening"
    label = "screening"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from strom.core.notifications import register_messages
        from strom.core.registry import (
            CaseSection,
            SectionLink,
            register_after_migrate,
            register_case_section,
        )
        from strom.screening import timeline  # noqa: F401  registers its timeline source
        from strom.screening.selectors import screening_section_context
        from strom.screening.services_recheck import NOTIFICATION_MESSAGES as RECHECK_MESSAGES
        from strom.screening.services_recheck import RECHECK_TASK, RECHECK_TASK_TITLE, recheck_after_migrate
        from strom.stages.clocks import TASK_TITLES

        # The case task list and the inbox show titles and messages by key; ours are registered here.
        TASK_TITLES[RECHECK_TASK] = RECHECK_TASK_TITLE
        register_messages(RECHECK_MESSAGES)

        register_after_migrate(recheck_after_migrate)
        register_case_section(
            CaseSection(
                name="screening",
                order=70,
                context=screening_section_context,
                templates=("screening/_case_section.html",),
                links=(SectionLink("screenings", _("Screenings")),),
            )
        )
