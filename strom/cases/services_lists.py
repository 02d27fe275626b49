"""Writes of the case list's own things: a user's saved filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from strom.audit.services import audit_record
from strom.cases.models import SavedCaseFilter
from strom.core.errors import NotAllowed

if TYPE_CHECKING:
    from strom.accounts.models import User

# What a saved filter keeps: filter values and the sort. Not the search text (often a person's name)
# and not the page.
SAVED_KEYS = ("stage", "overdue", "owner", "municipality", "exploitation", "child", "sort")
MAX_SAVED = 50


def saved_query(params: Mapping[str, str]) -> str:
    """The part of a list address a saved filter keeps, in a fixed order."""
    return urlencode([(key, params[key]) for key in SAVED_KEYS if params.get(key)])


def saved_filter_save(*, by: User, name: str, params: Mapping[str, str]) -> SavedCaseFilter:
    """Keep the list's current filters under `name`; a name the user used before is replaced."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    if len(name) > 80:
        raise ValidationError({"name": _("Keep the name under 80 characters.")})
    query = saved_query(params)
    if not query:
        raise ValidationError({"name": _("Choose at least one filter or a sort order to save.")})
    if len(query) > 500:
        raise ValidationError({"name": _("These filters are too long to save.")})
    with transaction.atomic():
        saved = SavedCaseFilter.objects.select_for_update().filter(user=by, name=name).first()
        if saved is None:
            if SavedCaseFilter.objects.filter(user=by).count() >= MAX_SAVED:
                raise ValidationError(
                    {"name": _("You have %(count)d saved filters; delete one first.") % {"count": MAX_SAVED}}
                )
            saved = SavedCaseFilter.objects.create(user=by, name=name, query=query)
        else:
            saved.query = query
            saved.save(update_fields=["query"])
        audit_record(actor=by, action="case_filter.save", object_type="case_filter", object_ref=saved.pk)
    return saved


def saved_filter_delete(*, by: User, saved_id: int) -> None:
    """Delete one of the user's own saved filters; anyone else's is "not found"."""
    with transaction.atomic():
        saved = SavedCaseFilter.objects.select_for_update().filter(user=by, pk=saved_id).first()
        if saved is None:
            raise NotAllowed()
        audit_record(actor=by, action="case_filter.delete", object_type="case_filter", object_ref=saved_id)
        saved.delete()
