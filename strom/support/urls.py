from django.urls import path

from strom.support import views

app_name = "support"
urlpatterns = [
    path("<str:ref>/", views.overview, name="overview"),
    path("<str:ref>/needs/new/", views.needs_new, name="needs_new"),
    path("<str:ref>/plan/", views.plan_edit, name="plan_edit"),
    path("<str:ref>/plan/review/", views.plan_review, name="plan_review"),
    path("<str:ref>/services/new/", views.service_new, name="service_new"),
    path("<str:ref>/services/<int:service_id>/", views.service_edit, name="service_edit"),
    path("<str:ref>/services/<int:service_id>/cancel/", views.service_cancel_view, name="service_cancel"),
    path("<str:ref>/coverage/<str:service_type>/not-needed/", views.not_needed, name="not_needed"),
    path("<str:ref>/coverage/<str:service_type>/revoke/", views.not_needed_revoke, name="not_needed_revoke"),
]
