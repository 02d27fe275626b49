from django.urls import URLPattern

app_name = "transnational"
urlpatterns: list[URLPattern] = []
