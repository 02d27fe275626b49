"""API errors as RFC 9457 problem details (application/problem+json).

Every error the API answers has the same shape: type, title, status, detail, instance (and `errors`
for invalid input). Titles and details are translated: LocaleMiddleware has already activated the
language from Accept-Language (or the language cookie). Nothing about the request body, the
exception message or the data is ever echoed or logged: messages can contain personal data.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from strom.core.errors import NotAllowed

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("strom.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Problem types are URNs: stable identifiers for clients to branch on, not pages to fetch.
TYPE_PREFIX = "urn:strom:problem:"


class InsufficientScope(HttpError):
    """The token is valid but lacks the scope the request needs (read for GET, write otherwise)."""

    def __init__(self) -> None:
        super().__init__(403, "insufficient scope")


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def problem(
    request: HttpRequest,
    status: int,
    kind: str,
    title: str,
    detail: str = "",
    *,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kind,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
    }
    body.update(extra or {})
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )


def edit_conflict(
    request: HttpRequest, *, stored_version: int, changed_fields: Sequence[str] = ()
) -> HttpResponse:
    """409 (`EditConflictProblem` in the OpenAPI document): someone saved a newer version since the
    client read it. Names the fields changed meanwhile, never their values: a response can be logged."""
    fields = list(changed_fields)
    return problem(
        request,
        409,
        "edit-conflict",
        _("Edit conflict"),
        _(
            "Someone else saved this since you read it. Nothing was saved: read it again, then send "
            "your changes with the new version."
        ),
        extra={
            "stored_version": stored_version,
            "changed_fields": fields,
            "errors": [{"pointer": f"#/{f}", "detail": _("Changed by someone else.")} for f in fields],
        },
    )


def not_found(request: HttpRequest) -> HttpResponse:
    # The same answer for "missing" and "forbidden": ids cannot be probed.
    return problem(
        request,
        404,
        "not-found",
        _("Not found"),
        _("There is nothing here, or you do not have access to it."),
    )


def unauthenticated(request: HttpRequest) -> HttpResponse:
    response = problem(
        request,
        401,
        "unauthenticated",
        _("Authentication required"),
        _(
            "Send a valid, unexpired API token as “Authorization: Bearer …”, "
            "or use a verified browser session."
        ),
    )
    response["WWW-Authenticate"] = 'Bearer realm="STROM"'
    return response


def forbidden(request: HttpRequest) -> HttpResponse:
    return problem(request, 403, "forbidden", _("Not allowed"), _("You are not allowed to do this."))


def server_error(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        500,
        "server-error",
        _("Something went wrong"),
        _("The error has been logged. Please try again in a moment."),
    )


def _locate(loc: list[Any] | tuple[Any, ...]) -> dict[str, str]:
    """Where the error is: a JSON pointer into the body, or the name of a query/path parameter.

    ninja's loc is (source, [view argument name,] field, ...); clients never see the argument name.
    """
    parts = [str(p) for p in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("body", [])
    if source == "body":
        if len(rest) > 1:
            rest = rest[1:]
        return {"pointer": "#/" + "/".join(rest)}
    return {"parameter": rest[-1] if rest else "", "in": source}


def _bound(ctx: dict[str, Any], key: str) -> str:
    value = ctx.get(key, "")
    return formats.number_format(value) if isinstance(value, int | float) else str(value)


def _validation_message(error: dict[str, Any]) -> str:
    """One input error in the reader's language. pydantic's own messages are English only, and some
    quote the value sent; these say what is expected and never repeat the input."""
    kind = str(error.get("type", ""))
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This value is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a number of at least %(min)s.") % {"min": _bound(ctx, "ge" if "ge" in ctx else "gt")}
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a number of at most %(max)s.") % {"max": _bound(ctx, "le" if "le" in ctx else "lt")}
    if kind == "string_too_long":
        return _("Write at most %(max)s characters.") % {"max": _bound(ctx, "max_length")}
    if kind == "string_too_short":
        return _("Write at least %(min)s characters.") % {"min": _bound(ctx, "min_length")}
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(values)s.") % {"values": str(ctx.get("expected", ""))}
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("Enter a date as YYYY-MM-DD.")
    if kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        return _("Enter a date and time in ISO 8601 form.")
    if kind in {"uuid_parsing", "uuid_type"}:
        return _("Enter a UUID.")
    if kind == "value_error":
        # Our own validators raise ValueError with a translated message; pydantic prefixes it.
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return _("This value is not valid.")


def _ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{**_locate(e.get("loc", ())), "detail": _validation_message(e)} for e in exc.errors]
    return problem(
        request,
        422,
        "invalid-input",
        _("Invalid input"),
        _("Some fields are missing or not valid. See “errors”."),
        extra={"errors": errors},
    )


def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors: list[dict[str, str]] = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            pointer = "#/" if field == "__all__" else f"#/{field}"
            errors.extend({"pointer": pointer, "detail": str(m)} for m in messages)
    else:
        errors.extend({"pointer": "#/", "detail": str(m)} for m in exc.messages)
    return problem(
        request,
        422,
        "invalid-input",
        _("Invalid input"),
        _("Some fields are missing or not valid. See “errors”."),
        extra={"errors": errors},
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return unauthenticated(request)
    if isinstance(exc, InsufficientScope):
        return problem(
            request,
            403,
            "insufficient-scope",
            _("Insufficient scope"),
            _("This API token may only read. Create a token with the write scope to make changes.")
            if request.method not in {"GET", "HEAD", "OPTIONS"}
            else _("This API token may not read. Create a token with the read scope."),
        )
    if isinstance(exc, CsrfFailed):
        return problem(
            request,
            403,
            "csrf-failed",
            _("CSRF check failed"),
            _("Requests with a browser session must carry the CSRF token. Scripts should use an API token."),
        )
    if isinstance(exc, Throttled):
        response = problem(
            request, 429, "rate-limited", _("Too many requests"), _("Slow down and try again in a moment.")
        )
        if exc.wait is not None:
            response["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        return response
    if exc.status_code == 404:
        return not_found(request)
    if exc.status_code == 403:
        return forbidden(request)
    if exc.status_code == 422:
        return problem(request, 422, "invalid-input", _("Invalid input"))
    if exc.status_code == 400:
        # ninja's answer to a body it cannot parse (not JSON, or not the form the operation takes).
        return problem(
            request,
            400,
            "malformed-body",
            _("Bad request"),
            _("The request body could not be read. Send JSON, or the form data the operation documents."),
        )
    # Any other deliberate HttpError: say only the status class, never the internal message.
    return problem(request, exc.status_code, "error", _("The request could not be handled."))


def _unhandled(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The exception message can quote data (database errors repeat the offending values), so only
    # its type and the stack are logged, with the method and path; never the body or query string.
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("Unhandled %s in API %s %s\n%s", type(exc).__name__, request.method, request.path, stack)
    return server_error(request)


def register(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (NinjaValidationError, _ninja_validation_error),
        (DjangoValidationError, _django_validation_error),
        (Http404, lambda request, exc: not_found(request)),
        (NotAllowed, lambda request, exc: not_found(request)),
        (PermissionDenied, lambda request, exc: forbidden(request)),
        (HttpError, _http_error),
        (Exception, _unhandled),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
