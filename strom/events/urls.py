from django.urls import path

from strom.events import views, views_trainings

app_name = "events"
urlpatterns = [
    path("", views.event_index, name="list"),
    path("new/", views.event_new, name="create"),
    path("import/", views.event_import, name="import"),
    path("my.ics", views.my_calendar, name="my_calendar"),
    path("calendar-link/", views.calendar_link, name="calendar_link"),
    path("feed/<str:token>.ics", views.calendar_feed, name="feed"),
    path("library/", views_trainings.library_index, name="library"),
    path("library/new/", views_trainings.library_add, name="library_add"),
    path("library/<int:material_id>/file/", views.library_download, name="library_download"),
    path("materials/<int:material_id>/file/", views.material_download, name="material_download"),
    path("trainings/report/", views_trainings.training_report, name="training_report"),
    path("trainings/report.csv", views_trainings.training_report_csv, name="training_report_csv"),
    path("certificates/verify/", views_trainings.certificate_verify, name="certificate_verify"),
    path("registrations/<int:registration_id>/cancel/", views.registration_cancel_view, name="cancel"),
    path("registrations/<int:registration_id>/attendance/", views.registration_attendance, name="attendance"),
    path(
        "registrations/<int:registration_id>/certificate.pdf",
        views_trainings.certificate_download,
        name="certificate",
    ),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/cancel/", views.event_cancel_view, name="cancel_event"),
    path("<slug:slug>/programme/", views.event_programme, name="programme"),
    path("<slug:slug>/schedule.<str:fmt>", views.event_download, name="download"),
    path("<slug:slug>/publish/", views.event_publish_view, name="publish"),
    path("<slug:slug>/sessions/new/", views.event_session_add, name="session_add"),
    path("<slug:slug>/sessions/<int:session_id>/edit/", views.event_session_edit, name="session_edit"),
    path("<slug:slug>/sessions/<int:session_id>/delete/", views.event_session_delete, name="session_delete"),
    path("<slug:slug>/materials/new/", views.event_material_add, name="material_add"),
    path("<slug:slug>/library/attach/", views_trainings.library_attach, name="library_attach"),
    path(
        "<slug:slug>/library/<int:material_id>/detach/", views_trainings.library_detach, name="library_detach"
    ),
    path("<slug:slug>/curriculum/", views_trainings.curriculum_module_add, name="module_add"),
    path(
        "<slug:slug>/curriculum/<int:module_id>/delete/",
        views_trainings.curriculum_module_delete,
        name="module_delete",
    ),
    path("<slug:slug>/certificates/", views_trainings.certificates_issue_view, name="certificates_issue"),
    path("<slug:slug>/register/", views.event_register, name="register"),
    path("<slug:slug>/registrations/", views.event_registrations, name="registrations"),
]
