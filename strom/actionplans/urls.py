from django.urls import URLPattern

app_name = "actionplans"
urlpatterns: list[URLPattern] = []
