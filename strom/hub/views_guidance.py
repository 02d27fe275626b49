"""/hub/help/<topic>/: the guidance on one topic that a form's help links to.

A topic names the guideline to open (by its stable slug, as the demo and most instances publish
it) and the words to search the hub for when there is no such guideline or the reader may not see
it. The forms know only the topic (strom/core/help.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from strom.accounts.public import hub_page
from strom.guidelines.models import Guideline
from strom.hub.search import public_only_for


@dataclass(frozen=True)
class Topic:
    search: str  # the hub search, in English as the guidelines' shared language
    guideline_slugs: tuple[str, ...] = ()


TOPICS = {
    "reasonable-grounds": Topic(
        "reasonable grounds", ("first-contact-with-a-presumed-victim-a-checklist-for-municipal-staff",)
    ),
    "identification": Topic("formal identification"),
    "reflection-period": Topic("reflection period", ("the-reflection-period-in-latvian-municipalities",)),
    "consent": Topic("consent"),
    "referral-scope": Topic("referral consent"),
}


@require_GET
@hub_page
def help_topic(request: HttpRequest, topic: str) -> HttpResponse:
    found = TOPICS.get(topic)
    if found is None:
        raise Http404
    public_only = public_only_for(request.user)
    if found.guideline_slugs and not public_only:
        guideline = (
            Guideline.objects.visible_to(request.user)
            .filter(slug__in=found.guideline_slugs, published_version__isnull=False)
            .order_by("slug")
            .first()
        )
        if guideline is not None:
            return redirect("guidelines:detail", slug=guideline.slug)
    return redirect(reverse("hub:home") + "?" + urlencode({"q": found.search}))
