from datetime import timedelta

from django.utils import timezone

from strom.api.services import api_token_create
from tests.authz import ROLE_PERSONAS, Route, expect, public


def _token_of_caseworker_a(c):  # type: ignore[no-untyped-def]
    token, _ = api_token_create(
        by=c.users["caseworker_a"],
        name="script",
        scopes=["read"],
        expires_at=timezone.now() + timedelta(days=30),
        second_factor_verified=True,
    )
    return {"token_id": token.pk}


def _new_token(c):  # type: ignore[no-untyped-def]
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    return {"name": "export", "scopes": ["read"], "expires_at": expires}


ROUTES = [
    # ninja's root pattern only anchors the API's URLs; it answers 404 problem+json to everyone.
    Route("api:api-root", expect=public(ok=404)),
    # The OpenAPI document describes the API, not data: public.
    Route("api:openapi-json", expect=public()),
    Route("api_tokens:list", expect=expect(ROLE_PERSONAS)),
    Route("api_tokens:list", method="post", data=_new_token, expect=expect(ROLE_PERSONAS)),
    Route(
        "api_tokens:revoke",
        method="post",
        kwargs=_token_of_caseworker_a,
        expect=expect(["caseworker_a"], ok=302),
    ),
]
