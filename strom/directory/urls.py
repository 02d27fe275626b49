from django.urls import path

from strom.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organisation_list, name="list"),
]
