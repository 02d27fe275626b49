from django.urls import path

from strom.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.pair_list, name="list"),
    path("find/", views.find_view, name="find"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("pairs/<int:pair_id>/merge/", views.pair_merge, name="merge"),
    path("pairs/<int:pair_id>/dismiss/", views.pair_dismiss_view, name="dismiss"),
    path("merges/<int:merge_id>/undo/", views.merge_undo_view, name="undo"),
]
