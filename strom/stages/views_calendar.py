"""The calendar of deadlines (month or week, as a list of days), a worker's secret deadline feed for
calendar apps, and the workload of each worker for supervisors."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.secret_links import secret_hash
from strom.cases import access
from strom.core.errors import NotAllowed
from strom.stages.ical_deadlines import deadline_calendar
from strom.stages.models import DeadlineFeed
from strom.stages.selectors_calendar import (
    days_with_tasks,
    deadlines,
    feed_deadlines,
    month_range,
    week_range,
    workload,
)
from strom.stages.services_calendar import deadline_feed_create, deadline_feed_revoke


def _anchor(request: AuthenticatedHttpRequest) -> tuple[dt.date, str]:
    """The day the calendar shows around, and a message when the address holds no valid date."""
    today = timezone.localdate()
    raw = request.GET.get("date", "")
    if not raw:
        return today, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, _("“%(value)s” is not a date: the calendar shows today.") % {"value": raw[:20]}
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        return today, _("The calendar shows the years 2000 to 2100: it shows today.")
    return day, ""


def _step(day: dt.date, view: str, forward: bool) -> dt.date:
    if view == "week":
        return day + dt.timedelta(days=7 if forward else -7)
    first = day.replace(day=1)
    if forward:
        return (first + dt.timedelta(days=32)).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


@login_required
@require_GET
def deadline_calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_casework(user)
    view = "week" if request.GET.get("view") == "week" else "month"
    mine = bool(request.GET.get("mine"))
    day, date_error = _anchor(request)
    start, end = week_range(day) if view == "week" else month_range(day)
    days = days_with_tasks(start, end, deadlines(user, start, end, mine=mine))
    if view == "month":
        days = [d for d in days if d.tasks]  # a month is a list of the days that have something due

    def link(target: dt.date, target_view: str = view) -> str:
        params = {"view": target_view, "date": target.isoformat(), **({"mine": "1"} if mine else {})}
        return "?" + urlencode(params)

    context = {
        "view": view,
        "mine": mine,
        "start": start,
        "end": end,
        "days": days,
        "count": sum(len(d.tasks) for d in days),
        "date_error": date_error,
        "today": timezone.localdate(),
        "previous_url": link(_step(start, view, False)),
        "next_url": link(_step(start, view, True)),
        "today_url": link(timezone.localdate()),
        "month_url": link(start, "month"),
        "week_url": link(start, "week"),
        "has_feed": DeadlineFeed.objects.filter(user=user).exists(),
    }
    return render(request, "stages/deadline_calendar.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deadline_feed_link_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make, replace or revoke the secret link a calendar app subscribes to."""
    user = request.user
    access.check_casework(user)
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            deadline_feed_revoke(by=user)
            messages.success(request, _("The calendar link no longer works."))
            return redirect("cases:deadline_feed_link")
        token = deadline_feed_create(by=user)
        feed_url = settings.SITE_URL.rstrip("/") + reverse("cases:deadline_feed", args=[token])
    context = {"feed_url": feed_url, "has_link": DeadlineFeed.objects.filter(user=user).exists()}
    return render(request, "stages/deadline_feed_link.html", context)


@require_GET
def deadline_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app's fetch of one worker's deadlines, with the secret link as the only key. A revoked
    or unknown link, or one of someone who can no longer do casework, answers 404."""
    feed = DeadlineFeed.objects.select_related("user").filter(token_hash=secret_hash(token)).first()
    if feed is None or not feed.user.is_active:
        raise NotAllowed
    access.check_casework(feed.user)
    with translation.override(feed.user.language or settings.LANGUAGE_CODE):
        body = deadline_calendar(
            feed_deadlines(feed.user),
            name=_("STROM deadlines"),
            case_url=settings.SITE_URL.rstrip("/")
            + reverse("cases:detail", kwargs={"ref": "REF"}).replace("REF", "{ref}"),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_GET
def workload_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For supervisors: each worker of the organisations they supervise, with their open cases, open
    and overdue tasks and deadlines this week."""
    today = timezone.localdate()
    week = week_range(today)
    context = {
        "organisations": workload(request.user, today=today),
        "week_start": week[0],
        "week_end": week[1],
    }
    return render(request, "stages/workload.html", context)
