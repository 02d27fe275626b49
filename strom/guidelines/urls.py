from django.urls import path

from strom.guidelines import views

app_name = "guidelines"
urlpatterns = [
    path("", views.guideline_index, name="list"),
    path("new/", views.guideline_new, name="create"),
    path("profiles/<str:country>/", views.profile_edit, name="profile_edit"),
    path("<slug:slug>/", views.guideline_detail, name="detail"),
    path("<slug:slug>/print/", views.guideline_print, name="print"),
    path("<slug:slug>/edit/", views.guideline_edit, name="edit"),
    path("<slug:slug>/versions/", views.guideline_versions, name="versions"),
    path("<slug:slug>/versions/new/", views.guideline_draft_start, name="draft_start"),
    path("<slug:slug>/draft/", views.guideline_draft, name="draft"),
    path("<slug:slug>/draft/publish/", views.guideline_publish, name="publish"),
    path("<slug:slug>/draft/sections/new/", views.section_new, name="section_add"),
    path("<slug:slug>/draft/sections/<uuid:key>/", views.section_save, name="section_save"),
    path("<slug:slug>/draft/sections/<uuid:key>/move/", views.section_move_view, name="section_move"),
    path("<slug:slug>/draft/sections/<uuid:key>/delete/", views.section_delete_view, name="section_delete"),
    path("<slug:slug>/draft/translate/<str:language>/", views.guideline_translate, name="translate"),
    path("<slug:slug>/languages/", views.language_new, name="language_add"),
]
