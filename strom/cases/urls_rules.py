"""URL patterns for the countries' rules; included first by cases/urls.py (before "<ref>/")."""

from django.urls import URLPattern, path

from strom.cases import views_rules as v

urlpatterns: list[URLPattern] = [
    path("rules/", v.rules_list, name="country_rules"),
    path("rules/<str:country>/", v.rules_detail, name="country_rules_detail"),
    path("rules/<str:country>/versions/<int:number>/", v.rules_version, name="country_rules_version"),
    path("rules/<str:country>/new-version/", v.rules_edit, name="country_rules_edit"),
]
