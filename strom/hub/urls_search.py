from django.urls import URLPattern, path

from strom.hub import views_search

urlpatterns: list[URLPattern] = [path("", views_search.hub_home, name="home")]
