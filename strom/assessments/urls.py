from django.urls import path

from strom.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("questionnaires/import/", views.questionnaire_upload, name="import"),
    path("questionnaires/<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire"),
    path("questionnaires/<int:questionnaire_id>/xlsform/", views.questionnaire_xlsform, name="xlsform"),
    path("questionnaires/<int:questionnaire_id>/rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/close/", views.round_close_view, name="round_close"),
    path("rounds/<int:round_id>/compare/", views.round_compare, name="compare"),
    path("rounds/<int:round_id>/export/", views.round_export, name="export"),
    path("rounds/<int:round_id>/findings/new/", views.round_finding, name="finding"),
    path("responses/<int:response_id>/", views.response_answer, name="response"),
    path("responses/<int:response_id>/return/", views.response_return_view, name="response_return"),
]
