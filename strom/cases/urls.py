from django.urls import URLPattern, URLResolver, path

from strom.cases import views, views_list, views_page

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_list.case_list_view, name="list"),
    path("export/<str:fmt>/", views_list.case_list_export_view, name="list_export"),
    path("filters/", views_list.saved_filter_save_view, name="filter_save"),
    path("filters/<int:saved_id>/delete/", views_list.saved_filter_delete_view, name="filter_delete"),
    path("new/", views.case_open_view, name="open"),
    path("persons/<int:person_id>/", views.person_detail_view, name="person"),
    path("persons/<int:person_id>/edit/", views.person_edit_view, name="person_edit"),
    path("persons/<int:person_id>/documents/new/", views.document_add_view, name="document_add"),
    path("persons/<int:person_id>/new-case/", views.person_case_open_view, name="person_case_open"),
    path("<str:ref>/", views_page.case_detail_view, name="detail"),
    path("<str:ref>/parts/<slug:part>/", views_page.case_part_view, name="part"),
    path("<str:ref>/print/", views_page.case_print_view, name="print"),
    path("<str:ref>/edit/", views.case_edit_view, name="edit"),
    path("<str:ref>/legal-hold/", views.legal_hold_view, name="legal_hold"),
]
