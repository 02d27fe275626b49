"""URL patterns for stages, decisions, permits, proceedings, tasks and the countries' rules.

They live under cases/ in the `cases` namespace (URL names such as `cases:stages` stay as they were);
strom/site/urls.py puts them before the case patterns, so "tasks/...", "notifications/", "deadlines/",
"workload/" and "rules/" are not taken for a case reference. No `app_name` here for that reason.
"""

from django.urls import URLPattern, path

from strom.stages import views as v
from strom.stages import views_calendar as vc
from strom.stages import views_rules as vr

urlpatterns: list[URLPattern] = [
    path("tasks/overdue/", v.overdue_view, name="overdue"),
    path("tasks/overdue/org/<int:organisation_id>/", v.overdue_org_view, name="overdue_org"),
    path("notifications/", v.notifications_view, name="notifications"),
    path("decision-requests/", v.decision_requests_view, name="decision_requests"),
    path("deadlines/", vc.deadline_calendar_view, name="deadlines"),
    path("deadlines/link/", vc.deadline_feed_link_view, name="deadline_feed_link"),
    path("deadlines/feed/<str:token>.ics", vc.deadline_feed_view, name="deadline_feed"),
    path("workload/", vc.workload_view, name="workload"),
    path("<str:ref>/stages/", v.stage_page, name="stages"),
    path("<str:ref>/stages/decisions/<str:kind>/", v.decision_view, name="decision"),
    path("<str:ref>/stages/decisions/<str:kind>/ask/", v.decision_request_view, name="decision_request"),
    path(
        "<str:ref>/stages/decision-requests/<int:request_id>/decline/",
        v.decision_request_decline_view,
        name="decision_request_decline",
    ),
    path("<str:ref>/stages/move/", v.stage_change_view, name="stage_change"),
    path("<str:ref>/stages/reflection/extend/", v.reflection_extend_view, name="reflection_extend"),
    path("<str:ref>/stages/return-plan/", v.return_plan_view, name="return_plan"),
    path("<str:ref>/stages/permits/new/", v.permit_create_view, name="permit_create"),
    path("<str:ref>/stages/permits/<int:permit_id>/", v.permit_edit_view, name="permit_edit"),
    path("<str:ref>/stages/permits/<int:permit_id>/renew/", v.permit_renew_view, name="permit_renew"),
    path("<str:ref>/stages/proceedings/new/", v.proceeding_create_view, name="proceeding_create"),
    path("<str:ref>/stages/proceedings/<int:proceeding_id>/", v.proceeding_edit_view, name="proceeding_edit"),
    path("<str:ref>/tasks/", v.tasks_view, name="tasks"),
    path("<str:ref>/tasks/new/", v.task_create_view, name="task_create"),
    path("<str:ref>/tasks/<int:task_id>/assign/", v.task_assign_view, name="task_assign"),
    path("<str:ref>/tasks/<int:task_id>/<str:action>/", v.task_action_view, name="task_action"),
    path("rules/", vr.rules_list, name="country_rules"),
    path("rules/<str:country>/", vr.rules_detail, name="country_rules_detail"),
    path("rules/<str:country>/versions/<int:number>/", vr.rules_version, name="country_rules_version"),
    path("rules/<str:country>/new-version/", vr.rules_edit, name="country_rules_edit"),
]
