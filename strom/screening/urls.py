from django.urls import URLPattern, path

from strom.screening import views, views_sets

app_name = "screening"
urlpatterns: list[URLPattern] = [
    path("", views.screening_list, name="list"),
    path("new/", views.screening_new, name="new"),
    path("preview/", views.screening_preview, name="preview"),
    path("docs/", views.screening_docs, name="docs"),
    path("<int:screening_id>/", views.screening_detail, name="detail"),
    path("<int:screening_id>/convert/", views.screening_convert_view, name="convert"),
    path("sets/", views_sets.set_list, name="sets"),
    path("sets/<slug:set_id>/", views_sets.set_detail, name="set_detail"),
    path("sets/<slug:set_id>/publish/", views_sets.set_publish, name="set_publish"),
    path("sets/<slug:set_id>/adapt/", views_sets.set_adapt, name="set_adapt"),
    path("rechecks/", views_sets.recheck_list, name="rechecks"),
    path("rechecks/<int:recheck_id>/done/", views_sets.recheck_done_view, name="recheck_done"),
]
