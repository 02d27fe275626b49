from django.urls import URLPattern

app_name = "casefile"
urlpatterns: list[URLPattern] = []
