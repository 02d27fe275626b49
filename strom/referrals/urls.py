from django.urls import path

from strom.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("person/<int:person_id>/disclosures/", views.disclosures, name="disclosures"),
    path("<uuid:referral_uuid>/", views.referral_detail, name="detail"),
    path("<uuid:referral_uuid>/print/", views.referral_print, name="print"),
    path("<uuid:referral_uuid>/edit/", views.referral_edit, name="edit"),
    path("<uuid:referral_uuid>/send/", views.referral_send, name="send"),
    path("<uuid:referral_uuid>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("<uuid:referral_uuid>/discard/", views.referral_discard, name="discard"),
    path("<uuid:referral_uuid>/accept/", views.referral_accept, name="accept"),
    path("<uuid:referral_uuid>/decline/", views.referral_decline, name="decline"),
    path("<uuid:referral_uuid>/start/", views.referral_start, name="start"),
    path("<uuid:referral_uuid>/complete/", views.referral_complete, name="complete"),
    path("<uuid:referral_uuid>/documents/<uuid:document_uuid>/", views.referral_document, name="document"),
]
