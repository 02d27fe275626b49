"""A view that fails while handling a person, for the test that nothing identifying reaches the logs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from strom.accounts.models import User


def fail_while_handling_user(request: HttpRequest, pk: int) -> HttpResponse:
    user = User.objects.get(pk=pk)
    raise RuntimeError(f"could not process user #{user.pk}")


urlpatterns = [path("fail/<int:pk>/", fail_while_handling_user, name="fail")]
handler500 = "strom.site.views.server_error"
