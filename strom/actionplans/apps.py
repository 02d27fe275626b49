from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "strom.actionplans"
    label = "actionplans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        # The inbox shows messages by key, the worker runs the registered jobs and the hub's search
        # indexes the registered sources: none of them imports this app.
        from django.utils.translation import gettext_lazy as _

        from strom.actionplans.models import Recommendation
        from strom.actionplans.search import recommendation_document
        from strom.actionplans.services_reminders import MESSAGES, reminders_job
        from strom.core.notifications import register_messages
        from strom.core.registry import WorkerJob, register_worker_job
        from strom.core.search import SearchSource, register_search_source

        register_messages(MESSAGES)
        register_worker_job(WorkerJob(name="action plan reminders", order=25, run=reminders_job))
        register_search_source(
            SearchSource(
                kind="recommendation",
                label=_("Recommendations"),
                model=Recommendation,
                document=recommendation_document,
            )
        )
