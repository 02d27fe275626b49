"""What every form page shares."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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
