from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "strom.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from strom.core.registry import WorkerJob, register_worker_job
        from strom.ops.metrics_audit import verification_job

        # Before the audit checkpoint (1000), so a round signs only a chain it has just found intact.
        register_worker_job(WorkerJob(name="audit verification", order=990, run=verification_job))
