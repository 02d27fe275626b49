from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "strom.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        # The inbox shows messages by key and the worker runs the registered jobs: neither imports this app.
        from strom.assessments.tasks import MESSAGES, reminders_job
        from strom.core.notifications import register_messages
        from strom.core.registry import WorkerJob, register_worker_job

        register_messages(MESSAGES)
        register_worker_job(WorkerJob(name="assessment reminders", order=26, run=reminders_job))
