"""The hub's pages: the search across the hub's apps, the country profiles, and the guidance a form's help
links to."""

from django.urls import path

from strom.hub import guidance, urls_countries, urls_search

app_name = "hub"
urlpatterns = [
    *urls_search.urlpatterns,
    *urls_countries.urlpatterns,
    path("help/<slug:topic>/", guidance.help_topic, name="help"),
]
