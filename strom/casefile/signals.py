"""Removing a document's file when its row goes.

Rows go by CASCADE when a case or person is erased (strom/cases retention and erasure), not through a
service of this app, so the file is removed here, for every path that deletes the row. This is storage
housekeeping, not business logic: the file is useless without its row (the row holds its key). It is
deleted after commit, so a rolled-back erasure keeps the file.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from strom.casefile import files
from strom.casefile.models import CaseDocument


@receiver(post_delete, sender=CaseDocument, dispatch_uid="casefile_document_file_delete")
def delete_document_file(sender: type[CaseDocument], instance: CaseDocument, **kwargs: Any) -> None:
    name = instance.storage_name
    transaction.on_commit(lambda: files.delete_blob(name))
