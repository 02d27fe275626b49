from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "strom.casefile"
    label = "casefile"

    def ready(self) -> None:
        # Timeline sources register on import; the signals remove document files with their rows.
        from django.utils.translation import gettext_lazy as _

        from strom.casefile import signals, timeline  # noqa: F401
        from strom.casefile.selectors import casefile_sections_context
        from strom.core.registry import CaseSection, SectionLink, register_case_section

        register_case_section(
            CaseSection(
                name="casefile",
                order=60,
                context=casefile_sections_context,
                templates=(
                    "casefile/_events.html",
                    "casefile/_perpetrators.html",
                    "casefile/_notes.html",
                    "casefile/_documents.html",
                ),
                links=(
                    SectionLink("casefile-events", _("Trafficking events")),
                    SectionLink(
                        "casefile-perpetrators", _("Perpetrators"), when="casefile_may_see_perpetrators"
                    ),
                    SectionLink("casefile-notes", _("Notes")),
                    SectionLink("casefile-documents", _("Documents")),
                ),
            )
        )
