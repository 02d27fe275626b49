from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "strom.casefile"
    label = "casefile"

    def ready(self) -> None:
        # Timeline sources register on import; the signals remove document files with their rows.
        from django.utils.translation import gettext_lazy as _

        from strom.casefile import files, signals, timeline  # noqa: F401
        from strom.casefile.selectors import casefile_sections_context
        from strom.cases.related import FileAdapter, register_file_adapter
        from strom.core.registry import CaseSection, SectionLink, register_case_section

        register_case_section(
            CaseSection(
                name="casefile",
                order=60,
                label=_("Case file"),
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
        # Export and erasure find the encrypted document files through this adapter.
        register_file_adapter(
            "casefile.casedocument",
            FileAdapter(names=files.document_storage_names, read=files.document_plaintext),
        )
