"""The OpenAPI document says what the API really answers, errors included.

Every error is an RFC 9457 problem (strom.api.errors) sent as application/problem+json. ninja would
document only the statuses each route declares, as application/json; here the answers every
operation can give are added once, for all of them:

- 400 (a body that cannot be parsed, or a NUL character anywhere): every operation;
- 401 (no or a bad token or session), 403 (a token without the scope, a session without CSRF),
  404 (missing, or not yours: the same answer) and 429 (rate limit): every authenticated operation;
- 422 (invalid input, with `errors`): every operation that takes parameters or a body.

A route declares only the problems of its own, such as `409: EditConflictProblem`, and every 4xx
response is documented as application/problem+json.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils import translation
from ninja import Field, NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.responses import NinjaJSONEncoder
from pydantic import create_model

from strom.api.errors import PROBLEM_CONTENT_TYPE

if TYPE_CHECKING:
    from ninja.operation import Operation


class Problem(Schema):
    """RFC 9457 problem details. `type` is a stable URN to branch on; title and detail are translated."""

    type: str = Field(description="urn:strom:problem:<kind>")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The path of the request")


class InputError(Schema):
    pointer: str | None = Field(None, description="JSON pointer into the body, for a body field")
    parameter: str | None = Field(None, description="Name of the query or path parameter")
    in_: str | None = Field(None, alias="in", description="query or path, with `parameter`")
    detail: str


class InvalidInputProblem(Problem):
    errors: list[InputError] = Field(default_factory=list)


class EditConflictProblem(Problem):
    """409: someone saved a newer version since the client read it."""

    stored_version: int
    changed_fields: list[str] = Field(
        default_factory=list, description="The fields changed meanwhile (never their values)"
    )


# Any request: a NUL character in the path, query or body (strom.site.middleware.RejectNulMiddleware),
# or a body that cannot be parsed.
BAD_REQUEST = (Problem, "Bad request: a body that cannot be parsed, or text with a NUL character")
AUTHENTICATED_PROBLEMS: dict[int, tuple[type[Problem], str]] = {
    401: (Problem, "Not authenticated: no valid API token or verified session"),
    403: (Problem, "The token lacks the scope, or the session request lacks its CSRF token"),
    404: (Problem, "Not found, or not visible to you (the same answer)"),
    429: (Problem, "Too many requests; see Retry-After"),
}
INPUT_PROBLEM = (InvalidInputProblem, "Invalid input; `errors` names each parameter or field")


class ProblemDocumentedSchema(OpenAPISchema):
    def responses(self, operation: Operation) -> dict[int, Any]:
        result: dict[int, Any] = super().responses(operation)
        media_type = self.api.renderer.media_type
        for status, details in result.items():
            content = details.get("content", {})
            if status >= 400 and media_type in content:
                details["content"] = {PROBLEM_CONTENT_TYPE: content[media_type]}
        common: dict[int, tuple[type[Problem], str]] = {400: BAD_REQUEST}
        if operation.auth_callbacks:
            common.update(AUTHENTICATED_PROBLEMS)
        if operation.models or set(operation.methods) - {"GET", "HEAD"}:
            # Parameters or a body to validate; and a write's service refuses invalid input the same way.
            common[422] = INPUT_PROBLEM
        for status, (model, description) in common.items():
            if status not in result:
                result[status] = {
                    "description": description,
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": self._problem_schema(model)}},
                }
        return dict(sorted(result.items()))

    def _problem_schema(self, model: type[Problem]) -> Any:
        # The same one-field wrapper ninja makes for response models, so the schema lands in
        # components and the operation refers to it by name. (ninja annotates this argument as a
        # parameter model, though it passes its response models here too.)
        wrapper = create_model(f"{model.__name__}Response", response=(model, ...))
        schema, _required = self._create_schema_from_model(wrapper, mode="serialization")  # type: ignore[type-var]
        return schema


class StromAPI(NinjaAPI):
    """ninja's API with the problem answers documented (ProblemDocumentedSchema).

    The document depends only on the code and the language, and building it takes seconds, so each
    process builds it once per prefix and language and hands out copies (a caller may change its copy).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language() or "")
        if key not in self._schemas:
            self._schemas[key] = ProblemDocumentedSchema(self, path_prefix)
        built = self._schemas[key]
        # The schema object also holds the API itself, so the copy is of its contents, as JSON has them.
        fresh = dict.__new__(type(built))
        fresh.__dict__.update(built.__dict__)
        dict.update(fresh, json.loads(json.dumps(built, cls=NinjaJSONEncoder)))
        return fresh
