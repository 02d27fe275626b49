from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "strom.hotline"
    label = "hotline"
    verbose_name = "Hotline"

    def ready(self) -> None:
        # The case page shows a case's hotline contacts as a tab of its own, without importing this app.
        from django.utils.translation import gettext_lazy as _

        from strom.core.registry import CaseSection, WorkerJob, register_case_section, register_worker_job
        from strom.hotline.selectors import case_section_context
        from strom.hotline.tasks import minimise_job

        register_worker_job(WorkerJob(name="hotline contact minimisation", order=40, run=minimise_job))
        register_case_section(
            CaseSection(
                name="hotline",
                order=65,
                label=_("Hotline"),
                context=case_section_context,
                templates=("hotline/_case_section.html",),
            )
        )
