from django.urls import path

from strom.pathways import views

app_name = "pathways"
urlpatterns = [
    path("", views.pathway_list, name="list"),
    path("<int:municipality_id>/", views.pathway_detail, name="detail"),
    path("<int:municipality_id>/sheet/", views.pathway_sheet, name="sheet"),
    path("<int:municipality_id>/edit/", views.pathway_edit, name="edit"),
    path("<int:municipality_id>/translate/", views.pathway_translate_view, name="translate"),
]
