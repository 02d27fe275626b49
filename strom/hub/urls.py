from django.urls import URLPattern

app_name = "hub"
urlpatterns: list[URLPattern] = []
