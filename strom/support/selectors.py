"""Reads for the support section: needs, plan, services, cost totals, coverage of the statutory minimum.

The caller has already passed the case through strom.cases.access.get_case_for; the rows are read
through their own `visible_to(user)` all the same, the rule written once (strom.cases.models).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import ngettext

from strom.cases import access
from strom.cases.models import Case
from strom.support.choices import STATUTORY_MINIMUM, Coverage, Priority, ServiceStatus, ServiceType
from strom.support.models import (
    Need,
    NeedsAssessment,
    NotNeeded,
    PlanReview,
    Service,
    SupportPlan,
    SupportPlanRevision,
)

if TYPE_CHECKING:
    from strom.accounts.models import User

# Best state first: a delivered service covers the need even if another of the same type was cancelled.
_STATUS_COVERAGE = {
    ServiceStatus.DELIVERED: Coverage.DELIVERED,
    ServiceStatus.IN_PROGRESS: Coverage.IN_PROGRESS,
    ServiceStatus.PLANNED: Coverage.PLANNED,
}
_RANK = [Coverage.DELIVERED, Coverage.IN_PROGRESS, Coverage.PLANNED, Coverage.NOT_NEEDED, Coverage.MISSING]


@dataclass(frozen=True)
class CostTotal:
    currency: str
    recorded: Decimal  # every service that is not cancelled
    delivered: Decimal


@dataclass(frozen=True)
class CoverageRow:
    service_type: str
    label: str
    state: Coverage
    priority: str  # from the latest needs assessment, "" when it did not list this need
    not_needed: NotNeeded | None

    @property
    def priority_label(self) -> str:
        return str(Priority(self.priority).label) if self.priority else ""

    @property
    def flagged(self) -> bool:
        return self.state == Coverage.MISSING


def _latest(assessments: QuerySet[NeedsAssessment]) -> NeedsAssessment | None:
    return (
        assessments.select_related("assessed_by")
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("priority", "service_type")))
        .first()
    )


def _services(services: QuerySet[Service]) -> list[Service]:
    return list(services.select_related("provider_organisation"))


# What `user` may see of one case's support: each row's own `visible_to(user)`, so the section, the
# pages and the API show nothing of a case the viewer may not see, whatever case they are handed.


def latest_assessment(user: User, case: Case) -> NeedsAssessment | None:
    return _latest(NeedsAssessment.objects.visible_to(user).filter(case=case))


def plan_for(user: User, case: Case) -> SupportPlan | None:
    return SupportPlan.objects.visible_to(user).filter(case=case).select_related("updated_by").first()


def reviews_for(user: User, plan: SupportPlan) -> list[PlanReview]:
    return list(PlanReview.objects.visible_to(user).filter(plan=plan).select_related("reviewed_by"))


def revisions_for(user: User, plan: SupportPlan) -> list[SupportPlanRevision]:
    return list(SupportPlanRevision.objects.visible_to(user).filter(plan=plan).select_related("saved_by"))


def services_for(user: User, case: Case) -> list[Service]:
    return _services(Service.objects.visible_to(user).filter(case=case))


def not_needed_for(user: User, case: Case) -> list[NotNeeded]:
    return list(NotNeeded.objects.visible_to(user).filter(case=case, revoked_at__isnull=True))


def cost_totals(services: list[Service]) -> list[CostTotal]:
    """Totals per currency (amounts in different currencies are never added up)."""
    recorded: dict[str, Decimal] = defaultdict(Decimal)
    delivered: dict[str, Decimal] = defaultdict(Decimal)
    for service in services:
        if service.cost is None or service.status == ServiceStatus.CANCELLED:
            continue
        recorded[service.currency] += service.cost
        if service.status == ServiceStatus.DELIVERED:
            delivered[service.currency] += service.cost
    return [CostTotal(c, recorded[c], delivered[c]) for c in sorted(recorded)]


# The whole case, for a caller that decided access itself (reports over a case, its tests).


def case_cost_totals(case: Case) -> list[CostTotal]:
    return cost_totals(_services(Service.objects.filter(case=case)))


def coverage(
    services: list[Service], not_needed: list[NotNeeded], assessment: NeedsAssessment | None
) -> list[CoverageRow]:
    """The seven statutory minimum services and where each stands on the case."""
    priorities = {n.service_type: n.priority for n in assessment.needs.all()} if assessment else {}
    marks = {m.service_type: m for m in not_needed}
    rows = []
    for service_type in STATUTORY_MINIMUM:
        states = [
            _STATUS_COVERAGE[ServiceStatus(s.status)]
            for s in services
            if s.service_type == service_type and s.status != ServiceStatus.CANCELLED
        ]
        if service_type in marks:
            states.append(Coverage.NOT_NEEDED)
        state = min(states, key=_RANK.index) if states else Coverage.MISSING
        rows.append(
            CoverageRow(
                service_type=service_type,
                label=str(ServiceType(service_type).label),
                state=state,
                priority=priorities.get(service_type, ""),
                not_needed=marks.get(service_type),
            )
        )
    return rows


def case_coverage(case: Case) -> list[CoverageRow]:
    not_needed = list(NotNeeded.objects.filter(case=case, revoked_at__isnull=True))
    services = _services(Service.objects.filter(case=case))
    return coverage(services, not_needed, _latest(NeedsAssessment.objects.filter(case=case)))


def support_section_context(user: User, case: Case) -> dict[str, Any]:
    """Context for support/_case_section.html on the case page.

    `case` must come from get_case_for(user, ref). The keys are prefixed `support_` so they never
    clash with the case page's own context. The case page audits the read of the case as a whole;
    this function does not add an audit entry of its own.
    """
    services = services_for(user, case)
    assessment = latest_assessment(user, case)
    rows = coverage(services, not_needed_for(user, case), assessment)
    return {
        "support_case": case,
        "support_may_edit": access.can_edit_case(user, case),
        "support_assessment": assessment,
        "support_plan": plan_for(user, case),
        "support_services": services,
        "support_totals": cost_totals(services),
        "support_coverage": rows,
        "support_missing": [row for row in rows if row.flagged],
    }


def services_under_way_notice(case: Case) -> str:
    """Said to whoever closes a case (registered in apps.py): closing does not stop a service that is
    being delivered, and the provider should hear of it."""
    running = Service.objects.filter(case=case, status=ServiceStatus.IN_PROGRESS).count()
    if not running:
        return ""
    return ngettext(
        "%(count)s service is still being delivered: end it or tell the provider that the case closes.",
        "%(count)s services are still being delivered: end them or tell the providers that the case closes.",
        running,
    ) % {"count": running}
