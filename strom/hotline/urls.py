from django.urls import path

from strom.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.contact_queue, name="queue"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<int:contact_id>/status/", views.contact_status, name="contact_status"),
    path("contacts/<int:contact_id>/review/", views.contact_review_view, name="contact_review"),
    path("contacts/<int:contact_id>/screening/", views.contact_screening, name="contact_screening"),
    path("contacts/<int:contact_id>/case/", views.contact_case, name="contact_case"),
    path("contacts/<int:contact_id>/refer/", views.contact_refer_view, name="contact_refer"),
    path("tips/", views.tip_list, name="tips"),
    path("tips/new/", views.tip_new, name="tip_new"),
    path("tips/<int:tip_id>/", views.tip_detail, name="tip"),
    path("tips/<int:tip_id>/group/", views.tip_group_view, name="tip_group"),
    path("tips/<int:tip_id>/pass/", views.tip_pass_view, name="tip_pass"),
    path("stats/", views.stats, name="stats"),
    path("rights/", views.rights_list, name="rights"),
    path("rights/<str:country>/<str:language>/", views.rights_edit, name="rights_edit"),
    path("public-messages/", views.public_recipients, name="public_recipients"),
    path(
        "public-messages/<str:country>/", views.public_recipient_choose_view, name="public_recipient_choose"
    ),
]
