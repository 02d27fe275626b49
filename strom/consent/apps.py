from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "strom.consent"
    label = "consent"

    def ready(self) -> None:
        # The timeline source and the overview's line register themselves on import.
        from django.utils.translation import gettext_lazy as _

        from strom.consent import glance, timeline  # noqa: F401
        from strom.consent.selectors import consent_section_context
        from strom.core.registry import CaseSection, SectionLink, register_case_section

        register_case_section(
            CaseSection(
                name="consent",
                order=40,
                context=consent_section_context,
                templates=("consent/_case_section.html",),
                links=(SectionLink("consent", _("Consent")),),
            )
        )
