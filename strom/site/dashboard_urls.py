from django.urls import path

from strom.site import views

app_name = "core"  # the name pages and tests know the dashboard by: core:dashboard
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
