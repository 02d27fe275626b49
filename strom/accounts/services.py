"""Account write functions: one per operation, each writing its audit entry."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from strom.accounts.models import User
from strom.audit.services import audit_record


def user_set_language(*, by: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES) or by.language == language:
        return
    with transaction.atomic():
        by.language = language
        by.save(update_fields=["language"])
        audit_record(actor=by, action="user.set_language", object_type="user", object_ref=by.pk)
