from django.urls import path

from strom.casefile import views

app_name = "casefile"
urlpatterns = [
    path("<str:ref>/", views.overview, name="overview"),
    path("<str:ref>/events/new/", views.event_create, name="event_create"),
    path("<str:ref>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("<str:ref>/perpetrators/new/", views.perpetrator_create, name="perpetrator_create"),
    path(
        "<str:ref>/perpetrators/<int:perpetrator_id>/edit/", views.perpetrator_edit, name="perpetrator_edit"
    ),
    path("<str:ref>/notes/new/", views.note_create, name="note_create"),
    path("<str:ref>/notes/<int:note_id>/edit/", views.note_edit, name="note_edit"),
    path("<str:ref>/documents/new/", views.document_upload, name="document_upload"),
    path(
        "<str:ref>/documents/<uuid:document_uuid>/download/",
        views.document_download,
        name="document_download",
    ),
]
