from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from strom.directory.models import Organisation


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisations = Organisation.objects.visible_to(user).select_related("municipality")  # type: ignore[arg-type]
    return render(request, "directory/organisation_list.html", {"organisations": organisations})
