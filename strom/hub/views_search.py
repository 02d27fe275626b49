"""The hub's home page: one search box over every search source, its filters and results, and links to
the hub's areas."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from strom.accounts.public import hub_page
from strom.core.countries import countries
from strom.core.htmx import render_htmx
from strom.core.search import search_sources
from strom.hub.forms_search import SearchForm
from strom.hub.search import COUNT_LIMIT, PER_PAGE, public_only_for, search

# The hub's areas, each shown only when its page exists (the apps behind them are optional parts).
AREAS = (
    (_("Practices"), ("practices:list",)),
    (_("Guidelines"), ("guidelines:list",)),
    (_("Events"), ("events:list",)),
    (_("Recommendations"), ("actionplans:recommendations", "actionplans:recommendation_list")),
    (_("Action plans"), ("actionplans:plans", "actionplans:plan_list", "actionplans:list")),
    (_("Countries"), ("hub:countries", "hub:country_list")),
)


def _url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def hub_areas() -> list[dict[str, object]]:
    areas: list[dict[str, object]] = [{"label": label, "url": _url(names)} for label, names in AREAS]
    return [area for area in areas if area["url"]]


@require_GET
@hub_page
def hub_home(request: HttpRequest) -> HttpResponse:
    public_only = public_only_for(request.user)
    form = SearchForm(request.GET or None)
    results = search(
        query=form.query(), filters=form.filters(), public_only=public_only, page=form.page_number()
    )
    query = request.GET.copy()
    query.pop("page", None)
    labels = {source.kind: source.label for source in search_sources()}
    names = countries()
    context = {
        "form": form,
        "results": results,
        "hits": [
            {"hit": hit, "label": labels.get(hit.kind, hit.kind), "country": names.get(hit.country, "")}
            for hit in results.hits
        ],
        "first_number": (results.page - 1) * PER_PAGE + 1,
        "count_limit": COUNT_LIMIT,
        "kinds": [(kind, labels.get(kind, kind), n) for kind, n in results.kind_counts.items()],
        "query": query.urlencode() + "&" if query else "",
        "areas": hub_areas(),
        "public_only": public_only,
    }
    return render_htmx(request, "hub/home.html", "hub/_results.html", context)
