from django.urls import URLPattern, path

from strom.screening import views

app_name = "screening"
urlpatterns: list[URLPattern] = [
    path("", views.screening_list, name="list"),
    path("new/", views.screening_new, name="new"),
    path("preview/", views.screening_preview, name="preview"),
    path("<int:screening_id>/", views.screening_detail, name="detail"),
    path("<int:screening_id>/convert/", views.screening_convert_view, name="convert"),
]
