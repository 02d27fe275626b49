from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "strom.practices"
    label = "practices"
    verbose_name = "Practices"

    def ready(self) -> None:
        # The case page links to the practices of the case's stage; the hub's search finds published ones.
        from django.utils.translation import gettext_lazy as _

        from strom.core.registry import CaseSection, SectionLink, register_case_section
        from strom.core.search import SearchSource, register_search_source
        from strom.practices import glance  # noqa: F401  the case page overview's line
        from strom.practices.models import Practice
        from strom.practices.search import practice_document
        from strom.practices.selectors import practices_section_context

        register_case_section(
            CaseSection(
                name="practices",
                order=15,
                context=practices_section_context,
                templates=("practices/_case_section.html",),
                links=(SectionLink("stage-practices", _("Practices for this stage")),),
            )
        )
        register_search_source(
            SearchSource(kind="practice", label=_("Practices"), model=Practice, document=practice_document)
        )
