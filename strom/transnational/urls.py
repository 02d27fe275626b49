from django.urls import URLPattern, path

from strom.transnational import views

app_name = "transnational"
urlpatterns: list[URLPattern] = [
    path("", views.referral_list, name="list"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="detail"),
    path("referrals/<int:referral_id>/accept/", views.referral_accept, name="accept"),
    path("referrals/<int:referral_id>/decline/", views.referral_decline, name="decline"),
    path("referrals/<int:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("referrals/<int:referral_id>/complete/", views.referral_complete, name="complete"),
    path("referrals/<int:referral_id>/return-plan/", views.return_plan, name="return_plan"),
    path("referrals/<int:referral_id>/return-plan/agree/", views.return_plan_agree, name="return_plan_agree"),
    path("cases/<str:ref>/send/", views.referral_send, name="send"),
    path("cases/<str:ref>/check/", views.person_check, name="check"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/<int:partner_id>/", views.partner_detail, name="partner"),
    path("partners/<int:partner_id>/suspend/", views.partner_suspend, name="partner_suspend"),
    path("partners/<int:partner_id>/resume/", views.partner_resume, name="partner_resume"),
]
