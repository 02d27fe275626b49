from django.urls import path

from strom.network import views

app_name = "network"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("export.csv", views.service_export, name="export"),
    path("new/", views.service_create_view, name="create"),
    path("freshness/", views.freshness, name="freshness"),
    path("<int:service_id>/", views.service_detail, name="detail"),
    path("<int:service_id>/edit/", views.service_edit, name="edit"),
    path("<int:service_id>/capacity/", views.service_capacity, name="capacity"),
]
