from django.urls import include, path

from strom.api.api import api
from strom.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("", include("strom.core.urls")),
    path("accounts/", include("strom.accounts.urls")),
    path("directory/", include("strom.directory.urls")),
    path("audit/", include("strom.audit.urls")),
    path("cases/", include("strom.cases.urls")),
    path("screening/", include("strom.screening.urls")),
    path("support/", include("strom.support.urls")),
    path("consent/", include("strom.consent.urls")),
    path("casefile/", include("strom.casefile.urls")),
    path("network/", include("strom.network.urls")),
    path("pathways/", include("strom.pathways.urls")),
    path("referrals/", include("strom.referrals.urls")),
    path("stats/", include("strom.stats.urls")),
    path("api/v1/", api.urls),
    path("api-tokens/", include("strom.api.urls")),
]

handler400 = "strom.core.views.bad_request"
handler403 = "strom.core.views.permission_denied"
handler404 = "strom.core.views.page_not_found"
handler500 = "strom.core.views.server_error"
