"""The root URLconf: every app's pages under its prefix, the JSON API, and the error handlers."""

from django.urls import include, path

from strom.cases import urls as cases_urls
from strom.ops import metrics_views
from strom.site import views as site_views
from strom.site.api import api
from strom.stages import urls as stages_urls

# Stages, tasks and country rules share the cases/ prefix and the `cases` namespace, and come first:
# "tasks/...", "notifications/" and "rules/" must not be taken for a case reference.
cases_patterns = [*stages_urls.urlpatterns, *cases_urls.urlpatterns]

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    # For the configured Prometheus scraper only (strom/ops/metrics_views.py), at the root as usual.
    path("metrics", metrics_views.metrics, name="metrics"),
    path("i18n/setlang/", site_views.set_language, name="set_language"),
    path("", include("strom.site.dashboard_urls")),
    path("accounts/", include("strom.accounts.urls")),
    path("directory/", include("strom.directory.urls")),
    path("audit/", include("strom.auditlog.urls")),
    path("cases/", include((cases_patterns, cases_urls.app_name))),
    path("screening/", include("strom.screening.urls")),
    path("support/", include("strom.support.urls")),
    path("consent/", include("strom.consent.urls")),
    path("casefile/", include("strom.casefile.urls")),
    path("network/", include("strom.network.urls")),
    path("pathways/", include("strom.pathways.urls")),
    path("referrals/", include("strom.referrals.urls")),
    path("stats/", include("strom.stats.urls")),
    path("events/", include("strom.events.urls")),
    path("practices/", include("strom.practices.urls")),
    path("guidelines/", include("strom.guidelines.urls")),
    path("action-plans/", include("strom.actionplans.urls")),
    path("hub/", include("strom.hub.urls")),
    path("assessments/", include("strom.assessments.urls")),
    path("hotline/", include("strom.hotline.urls")),
    # The hotline's public front door (no login, off unless STROM_HOTLINE_PUBLIC); language in the path.
    path("help/", include("strom.hotline.public_urls")),
    path("transnational/", include("strom.transnational.urls")),
    path("linkage/", include("strom.linkage.urls")),
    path("ops/", include("strom.ops.urls")),
    path("api/v1/", api.urls),
    path("api-tokens/", include("strom.api.urls")),
]

handler400 = "strom.site.views.bad_request"
handler403 = "strom.site.views.permission_denied"
handler404 = "strom.site.views.page_not_found"
handler500 = "strom.site.views.server_error"
