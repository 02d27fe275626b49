from django.urls import path

from strom.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create_view, name="create"),
    path("municipalities/new/", views.municipality_create_view, name="municipality_create"),
    path("<int:organisation_id>/", views.organisation_detail, name="detail"),
    path("<int:organisation_id>/edit/", views.organisation_edit, name="edit"),
]
