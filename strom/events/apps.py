from typing import Any

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "strom.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from strom.events.search import register

        register()
        _files_go_with_their_rows()


def _files_go_with_their_rows() -> None:
    """A material's file is removed from storage with its row, however the row goes (deleted on its
    own, with its session, with a programme replaced on import), once the deletion is committed."""
    from django.db import transaction
    from django.db.models.signals import post_delete

    from strom.events.models import LibraryMaterial, Material

    def deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        if instance.file:
            storage, name = instance.file.storage, instance.file.name
            transaction.on_commit(lambda: storage.delete(name))

    for model in (Material, LibraryMaterial):
        post_delete.connect(deleted, sender=model, dispatch_uid=f"events-file-{model.__name__}", weak=False)
