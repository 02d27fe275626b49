"""The public front door's URLs, included from strom/site/urls.py under help/ (namespace `help`).

The language is part of every address, so no cookie has to remember it."""

from django.urls import path

from strom.hotline import views_public

app_name = "help"
urlpatterns = [
    path("<str:lang>/", views_public.index, name="index"),
    path("<str:lang>/<str:country>/", views_public.country_page, name="country"),
    path("<str:lang>/<str:country>/self-check/", views_public.self_check, name="self_check"),
    path("<str:lang>/<str:country>/write/", views_public.write, name="write"),
    path("<str:lang>/<str:country>/sent/", views_public.sent, name="sent"),
]
