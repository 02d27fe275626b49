from django.urls import path

from strom.hub import views_countries

urlpatterns = [
    path("countries/", views_countries.country_index, name="countries"),
    path("countries/<str:country>/", views_countries.country_detail, name="country_detail"),
]
