from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "strom.linkage"
    label = "linkage"
    verbose_name = "Record linkage"

    def ready(self) -> None:
        from strom.cases import hooks
        from strom.cases.commands import PersonSubcommand, register_person_subcommand
        from strom.core.registry import WorkerJob, register_worker_job
        from strom.linkage.commands import add_duplicates_arguments, list_duplicates
        from strom.linkage.tasks import duplicate_check_job

        # A new case's person waits for the worker: comparing is too slow for the request that opens it.
        hooks.register("case_opened", _queue_for_case)
        register_worker_job(WorkerJob(name="duplicate check", order=40, run=duplicate_check_job))
        register_person_subcommand(
            PersonSubcommand(
                name="duplicates",
                help="Candidate pairs of records of one person, among the persons a user may see.",
                add_arguments=add_duplicates_arguments,
                run=list_duplicates,
            )
        )


def _queue_for_case(case_id: int) -> None:
    from strom.cases.models import Case
    from strom.linkage.services import check_queue

    person_id = Case.objects.filter(pk=case_id).values_list("person_id", flat=True).first()
    if person_id is not None:
        check_queue(person_id=person_id)
