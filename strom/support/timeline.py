"""The case timeline's entries for needs, the plan, its reviews and services, read from their own tables
through `visible_to(user)`, as the support section's rows are visible exactly when their case is."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.accounts.models import User
from strom.cases.models import Case
from strom.core.registry import TimelineItem, register_timeline_source
from strom.support.choices import ServiceType
from strom.support.models import NeedsAssessment, PlanReview, Service, SupportPlanRevision


def _name(user: object) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "email", "") or "")


def _type_label(value: str) -> str:
    return str(dict(ServiceType.choices).get(value, value))


@register_timeline_source
def support_items(user: User, case: Case) -> list[TimelineItem]:
    url = reverse("support:overview", kwargs={"ref": case.ref})
    items: list[TimelineItem] = []
    for assessment in (
        NeedsAssessment.objects.visible_to(user).filter(case=case).select_related("assessed_by")
    ):
        items.append(
            TimelineItem(
                assessment.created_at, "support", _("Needs assessed"), _name(assessment.assessed_by), url
            )
        )
    for revision in (
        SupportPlanRevision.objects.visible_to(user).filter(plan__case=case).select_related("saved_by")
    ):
        title = _("Support plan written") if revision.version == 1 else _("Support plan changed")
        items.append(TimelineItem(revision.saved_at, "support", title, _name(revision.saved_by), url))
    for review in PlanReview.objects.visible_to(user).filter(plan__case=case).select_related("reviewed_by"):
        items.append(
            TimelineItem(
                review.created_at, "support", _("Support plan reviewed"), _name(review.reviewed_by), url
            )
        )
    for service in Service.objects.visible_to(user).filter(case=case).select_related("created_by"):
        label = _type_label(service.service_type)
        items.append(
            TimelineItem(
                service.created_at,
                "service",
                _("Service recorded: %(type)s") % {"type": label},
                _name(service.created_by),
                url,
            )
        )
        if service.delivered_recorded_at:
            items.append(
                TimelineItem(
                    service.delivered_recorded_at,
                    "service",
                    _("Service delivered: %(type)s") % {"type": label},
                    "",
                    url,
                )
            )
        if service.cancelled_at:
            items.append(
                TimelineItem(
                    service.cancelled_at,
                    "service",
                    _("Service cancelled: %(type)s") % {"type": label},
                    "",
                    url,
                )
            )
    return items
