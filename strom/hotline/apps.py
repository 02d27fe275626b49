from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "strom.hotline"
    label = "hotline"
    verbose_name = "Hotline"

    def ready(self) -> None:
        from strom.core.registry import WorkerJob, register_worker_job
        from strom.hotline.tasks import minimise_job

        register_worker_job(WorkerJob(name="hotline contact minimisation", order=40, run=minimise_job))
