from django.urls import URLPattern

app_name = "linkage"
urlpatterns: list[URLPattern] = []
