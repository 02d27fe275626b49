"""The hub's pages: the search across the hub's apps, the country profiles, and the guidance a form's help
links to."""

from django.urls import path

from strom.hub import urls_countries, urls_search, views_guidance

app_name = "hub"
urlpatterns = [
    *urls_search.urlpatterns,
    *urls_countries.urlpatterns,
    path("help/<slug:topic>/", views_guidance.help_topic, name="help"),
]
