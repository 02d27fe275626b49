"""The hub's pages: the search across the hub's apps, and the country profiles."""

from strom.hub import urls_countries, urls_search

app_name = "hub"
urlpatterns = [*urls_search.urlpatterns, *urls_countries.urlpatterns]
