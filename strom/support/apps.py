from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "strom.support"
    label = "support"

    def ready(self) -> None:
        # The timeline source for needs, plan and services registers itself on import.
        from django.utils.translation import gettext_lazy as _

        from strom.core.registry import (
            CaseSection,
            SectionLink,
            register_case_closed_notice,
            register_case_section,
        )
        from strom.support import timeline  # noqa: F401
        from strom.support.selectors import services_under_way_notice, support_section_context

        register_case_section(
            CaseSection(
                name="support",
                order=30,
                context=support_section_context,
                templates=("support/_case_section.html",),
                links=(SectionLink("support", _("Support")),),
            )
        )
        register_case_closed_notice(services_under_way_notice)
