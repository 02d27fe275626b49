from django.urls import path

from strom.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="list"),
    path("work/", views.practice_work, name="work"),
    path("scale/", views.practice_scale, name="scale"),
    path("new/", views.practice_new, name="create"),
    path("<int:practice_id>/", views.practice_detail, name="detail"),
    path("<int:practice_id>/contacts/", views.practice_contacts, name="contacts"),
    path("<int:practice_id>/edit/", views.practice_edit, name="edit"),
    path("<int:practice_id>/translate/", views.practice_translate_view, name="translate"),
    path("<int:practice_id>/submit/", views.practice_submit_view, name="submit"),
    path("<int:practice_id>/review/", views.practice_review, name="review"),
    path("<int:practice_id>/review/start/", views.practice_start_review_view, name="start_review"),
    path("<int:practice_id>/comments/", views.practice_comment, name="comment"),
    path("<int:practice_id>/publish/", views.practice_publish_view, name="publish"),
    path("<int:practice_id>/return/", views.practice_return_view, name="return"),
    path("<int:practice_id>/withdraw/", views.practice_withdraw_view, name="withdraw"),
    path("<int:practice_id>/revise/", views.practice_revise_view, name="revise"),
    path("<int:practice_id>/versions/", views.practice_versions, name="versions"),
    path("<int:practice_id>/attachments/", views.practice_attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views.practice_attachment, name="attachment"),
    path(
        "attachments/<int:attachment_id>/remove/", views.practice_attachment_remove, name="attachment_remove"
    ),
]
