from django.urls import path

from strom.actionplans import views

app_name = "actionplans"
urlpatterns = [
    path("", views.plan_index, name="plans"),
    path("new/", views.plan_new, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/dashboard/", views.plan_dashboard_view, name="dashboard"),
    path("<int:pk>/report/", views.plan_print, name="print"),
    path("<int:pk>/plan.xlsx", views.plan_export, name="export"),
    path("<int:pk>/status/", views.plan_status_view, name="plan_status"),
    path("<int:pk>/refresh/", views.plan_refresh, name="refresh"),
    path("<int:pk>/measures/new/", views.measure_new, name="measure_create"),
    path("countries/<str:country>/", views.country_view, name="country"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/status/", views.measure_status_view, name="measure_status"),
    path("measures/<int:pk>/indicators/new/", views.indicator_new, name="indicator_create"),
    path("measures/<int:pk>/reports/new/", views.report_new, name="report_create"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("recommendations/", views.recommendation_index, name="recommendations"),
    path("recommendations/new/", views.recommendation_new, name="recommendation_create"),
    path("recommendations/from-session/", views.session_conclusions, name="session_conclusions"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
]
