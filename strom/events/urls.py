from django.urls import path

from strom.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_index, name="list"),
    path("new/", views.event_new, name="create"),
    path("import/", views.event_import, name="import"),
    path("my.ics", views.my_calendar, name="my_calendar"),
    path("registrations/<int:registration_id>/cancel/", views.registration_cancel_view, name="cancel"),
    path("registrations/<int:registration_id>/attendance/", views.registration_attendance, name="attendance"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/programme/", views.event_programme, name="programme"),
    path("<slug:slug>/schedule.<str:fmt>", views.event_download, name="download"),
    path("<slug:slug>/publish/", views.event_publish_view, name="publish"),
    path("<slug:slug>/sessions/new/", views.event_session_add, name="session_add"),
    path("<slug:slug>/materials/new/", views.event_material_add, name="material_add"),
    path("<slug:slug>/register/", views.event_register, name="register"),
    path("<slug:slug>/registrations/", views.event_registrations, name="registrations"),
]
