"""After a new scoring rule version: find the children's screenings it rates differently, and ask
the organisations that made them to look at them again. Never an automatic change of a screening.

Run by `strom migrate` right after the migrations, which is the deploy step that brings in a new
rule version (strom/core/management/commands/migrate.py), and by hand with `strom screening
recheck`. Not a data migration, because it creates case tasks and audit entries through the
services that own them (the cases task service, the hash-chained audit log), which a migration must
not import: a migration works on the historical models of its own moment, and those services work
on today's, which exist only once every migration has run. Not the worker either: a rule version
changes only with a deploy, so checking every minute would be wasted work.

Idempotent twice over: the RecheckRun row for the rule version says it ran (workers racing for it
wait on its unique key, and the loser finds it done), and each screening gets at most one recheck
per rule version (a unique constraint). If anything fails, nothing of the run is kept and the next
round tries again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from strom.audit.actors import SCREENING_RECHECK
from strom.audit.services import audit_record
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.screening.indicators import get_set
from strom.screening.models import RecheckRun, Screening, ScreeningRecheck
from strom.screening.scoring import RULE_VERSION, score
from strom.stages.services import task_request

if TYPE_CHECKING:
    from strom.accounts.models import User

# The case task's kind and title key; registered with the cases task titles in apps.py.
RECHECK_TASK = "screening_recheck"
RECHECK_TASK_TITLE = gettext_lazy("Look at a child's screening again: the screening rule changed")
RECHECK_DUE_DAYS = 14
RECHECK_NOTIFICATION = "screening_rechecks"
NOTIFICATION_MESSAGES = {
    RECHECK_NOTIFICATION: ngettext_lazy(
        "%(count)s child's screening is rated differently by the new screening rule: look again.",
        "%(count)s children's screenings are rated differently by the new screening rule: look again.",
        "count",
    )
}


@dataclass(frozen=True)
class RecheckReport:
    rule_version: int
    checked: int
    rechecks: int
    tasks: int


def _differs(screening: Screening, rule_version: int) -> str | None:
    """The level the given rule gives this screening, when it differs from the stored one."""
    try:
        indicator_set = get_set(screening.indicator_set_id, screening.indicator_set_version)
        current = score(indicator_set, screening.observed, child=True, rule_version=rule_version)
    except (LookupError, ValidationError):
        return None  # a set version that is gone cannot be re-scored; its snapshot still reads
    return current.level if current.level != screening.level else None


def _case_task(screening: Screening, today: dt.date) -> int | None:
    case = screening.case
    if case is None:
        return None
    task = task_request(
        case=case,
        kind=RECHECK_TASK,
        due_date=today + dt.timedelta(days=RECHECK_DUE_DAYS),
        source=f"screening:{screening.pk}",
        by=SCREENING_RECHECK,
    )
    return task.pk


def _notify_supervisors(per_org: Counter[int]) -> None:
    from strom.accounts.models import Membership, Notification
    from strom.core.roles import MATRIX

    roles = [role for role, perms in MATRIX.items() if Perm.CASE_ASSIGN in perms]
    url = reverse("screening:rechecks")
    memberships = Membership.objects.filter(
        organisation_id__in=list(per_org), role__in=roles, is_active=True, user__is_active=True
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=m.user_id,
                message_key=RECHECK_NOTIFICATION,
                params={"count": per_org[m.organisation_id]},
                url=url,
            )
            for m in memberships
        ]
    )


def _candidates(rule_version: int) -> Any:
    return Screening.objects.filter(rule_version__lt=rule_version, result__child=True)


def recheck_screenings(
    *, rule_version: int = RULE_VERSION, today: dt.date | None = None
) -> RecheckReport | None:
    """Create the rechecks for `rule_version` once; None when that has been done already.

    With no child's screening of an earlier rule there is nothing to do and nothing is recorded
    (a new installation): screenings made from now on carry the current rule version.
    """
    if RecheckRun.objects.filter(rule_version=rule_version).exists():
        return None
    if not _candidates(rule_version).exists():
        return RecheckReport(rule_version=rule_version, checked=0, rechecks=0, tasks=0)
    today = today or timezone.localdate()
    with transaction.atomic():
        run, created = RecheckRun.objects.get_or_create(rule_version=rule_version)
        if not created:
            return None
        candidates = _candidates(rule_version).select_related("case").order_by("pk")
        checked = rechecks = tasks = 0
        per_org: Counter[int] = Counter()
        for screening in candidates.iterator(chunk_size=500):
            checked += 1
            current_level = _differs(screening, rule_version)
            if current_level is None:
                continue
            task_id = _case_task(screening, today)
            ScreeningRecheck.objects.create(
                screening=screening,
                organisation_id=screening.organisation_id,
                rule_version=rule_version,
                stored_rule_version=screening.rule_version,
                stored_level=screening.level,
                current_level=current_level,
                task_id=task_id,
            )
            rechecks += 1
            tasks += task_id is not None
            per_org[screening.organisation_id] += 1
        for organisation_id, count in sorted(per_org.items()):
            audit_record(
                actor=SCREENING_RECHECK,
                action="screening.recheck",
                object_type="organisation",
                object_ref=organisation_id,
                organisation_id=organisation_id,
                details={"rule_version": rule_version, "rechecks": count},
            )
        audit_record(
            actor=SCREENING_RECHECK,
            action="screening.recheck_run",
            object_type="scoring_rule",
            object_ref=rule_version,
            details={"checked": checked, "rechecks": rechecks, "tasks": tasks},
        )
        run.screenings_checked = checked
        run.rechecks_created = rechecks
        run.save(update_fields=["screenings_checked", "rechecks_created"])
        _notify_supervisors(per_org)
    return RecheckReport(rule_version=rule_version, checked=checked, rechecks=rechecks, tasks=tasks)


def recheck_done(*, by: User, recheck: ScreeningRecheck) -> ScreeningRecheck:
    """A supervisor records that the screening was looked at again. The screening is not changed."""
    if not by.has_perm_in(Perm.CASE_ASSIGN, recheck.organisation_id):
        raise NotAllowed(_("You may not close this organisation's re-checks."))
    with transaction.atomic():
        locked = ScreeningRecheck.objects.select_for_update().get(pk=recheck.pk)
        if locked.done_at is not None:
            raise ValidationError(_("This screening has already been looked at again."))
        locked.done_at = timezone.now()
        locked.done_by = by
        locked.save(update_fields=["done_at", "done_by"])
        audit_record(
            actor=by,
            action="screening.recheck_done",
            object_type="screening",
            object_ref=locked.screening_id,
            organisation_id=locked.organisation_id,
            details={"rule_version": locked.rule_version},
        )
    return locked


def recheck_after_migrate() -> str:
    """`strom migrate`'s step (registered in apps.py): a deploy that brings a new rule version asks the
    organisations to look again at the screenings it rates differently."""
    report = recheck_screenings()
    if report is None or not report.checked:
        return ""
    return (
        f"Screening rule {report.rule_version}: {report.checked} children's screenings checked, "
        f"{report.rechecks} to look at again ({report.tasks} case tasks)."
    )
