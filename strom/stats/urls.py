from django.urls import path

from strom.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("table.csv", views.table_csv, name="table_csv"),
    path("table.xlsx", views.table_xlsx, name="table_xlsx"),
    path("table.strom.json", views.table_exchange, name="table_exchange"),
    path("report/", views.report, name="report"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("datasets/", views.datasets, name="datasets"),
    path("datasets/import/", views.import_upload, name="import_upload"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
]
