"""What every form page shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def validation_error_to_form(
    form: Any, exc: ValidationError, *, prefix_map: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the matching form fields (or the form when there is none).

    `prefix_map` renames a service's field to the form's (the service says "basis", the form shows it at
    the top).
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    prefix_map = prefix_map or {}
    for key, errors in exc.error_dict.items():
        name = prefix_map.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def form_saved(
    request: HttpRequest,
    form: Any,
    save: Callable[[], object],
    *,
    then: str,
    done: str = "",
    errors: Callable[[Any, ValidationError], None] = validation_error_to_form,
) -> HttpResponse | None:
    """The POST half of a form page: a valid form is saved with `save()`; then `done` is shown and the
    browser goes to `then` (a URL or a URL name). A service's ValidationError goes on the form.

    None means the form is to be shown (again): a GET, invalid input or a refused save.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save()
    except ValidationError as exc:
        errors(form, exc)
        return None
    if done:
        messages.success(request, done)
    return redirect(then)
