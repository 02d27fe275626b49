from django.urls import path

from strom.consent import views

app_name = "consent"
urlpatterns = [
    path("<str:ref>/", views.overview, name="overview"),
    path("<str:ref>/new/", views.record_new, name="record"),
    path("<str:ref>/<int:consent_id>/withdraw/", views.withdraw, name="withdraw"),
]
