"""The personal API token page: list, create (shown once), revoke."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from strom.api.access import check_api_tokens_allowed, get_api_token_for
from strom.api.forms import ApiTokenForm
from strom.api.selectors import api_tokens_of
from strom.api.services import api_token_create, api_token_revoke

if TYPE_CHECKING:
    from strom.accounts.http import AuthenticatedHttpRequest


@login_required
@never_cache  # the new token is in this response: no cache may keep it
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_api_tokens_allowed(user)
    created = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        is_verified = getattr(user, "is_verified", None)
        try:
            token, plaintext = api_token_create(
                by=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
                second_factor_verified=bool(is_verified and is_verified()),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created = {"token": token, "plaintext": plaintext}
            form = ApiTokenForm()
    context = {"form": form, "tokens": api_tokens_of(user), "created": created}
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    token = get_api_token_for(user, token_id)
    api_token_revoke(by=user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
