"""After rule version 2: children's screenings made with version 1 that it rates differently are
listed for their organisation to look at again, once, with a case task where there is a case; the
screenings themselves never change."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from strom.accounts.models import Notification
from strom.audit.actors import SCREENING_RECHECK
from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.core.errors import NotAllowed
from strom.screening.indicators import get_set
from strom.screening.models import RecheckRun, Screening, ScreeningRecheck
from strom.screening.scoring import score
from strom.screening.services import screening_create
from strom.screening.services_recheck import RECHECK_TASK, recheck_done, recheck_screenings
from strom.stages.models import CaseTask
from strom.stages.services import task_request
from tests.personas import Cast

pytestmark = pytest.mark.django_db

EXPLOITATION_ONLY = ["ADL-EX-01", "ADL-EX-02"]  # one strong, one medium: exploitation positive, no means


def _as_version_1(screening: Screening) -> Screening:
    """What a screening saved before rule version 2 looks like: scored with version 1."""
    result = score(
        get_set(screening.indicator_set_id, screening.indicator_set_version),
        screening.observed,
        child=screening.result["child"],
        rule_version=1,
    )
    data = result.to_dict()
    del data["ilo_combination"], data["child_rule"]  # version 1 snapshots did not have these keys
    Screening.objects.filter(pk=screening.pk).update(result=data, level=result.level, rule_version=1)
    screening.refresh_from_db()
    return screening


def _old_screenings(cast: Cast) -> dict[str, Screening]:
    case = make_case(cast, age_estimate=15)
    made = {
        "child_case": screening_create(
            by=cast.caseworker_a, indicator_set_id="ilo-adult-labour", observed=EXPLOITATION_ONLY, case=case
        ),
        "child_anonymous": screening_create(
            by=cast.caseworker_a,
            indicator_set_id="ilo-adult-labour",
            observed=EXPLOITATION_ONLY,
            organisation=cast.org_a,
            age_band="12-17",
        ),
        "adult": screening_create(
            by=cast.caseworker_a,
            indicator_set_id="ilo-adult-labour",
            observed=EXPLOITATION_ONLY,
            organisation=cast.org_a,
        ),
        "child_same": screening_create(
            by=cast.caseworker_b,
            indicator_set_id="ilo-child-labour",
            observed=["CHL-DR-01"],
            organisation=cast.org_b,
        ),
    }
    return {key: _as_version_1(s) for key, s in made.items()}


def test_version_1_child_screenings_rated_differently_get_a_recheck_and_a_case_task(cast: Cast) -> None:
    old = _old_screenings(cast)
    assert old["child_case"].level == "some"
    report = recheck_screenings()
    assert report is not None
    assert (report.rule_version, report.checked, report.rechecks, report.tasks) == (2, 3, 2, 1)
    rechecks = {r.screening_id: r for r in ScreeningRecheck.objects.all()}
    assert set(rechecks) == {old["child_case"].pk, old["child_anonymous"].pk}
    on_case = rechecks[old["child_case"].pk]
    assert (on_case.stored_level, on_case.current_level, on_case.stored_rule_version) == ("some", "strong", 1)
    assert on_case.organisation == cast.org_a
    assert on_case.task_id is not None
    task = CaseTask.objects.get(pk=on_case.task_id)
    assert (task.kind, task.case_id, task.source) == (
        RECHECK_TASK,
        old["child_case"].case_id,
        f"screening:{old['child_case'].pk}",
    )
    assert task.title == "Look at a child's screening again: the screening rule changed"
    assert rechecks[old["child_anonymous"].pk].task_id is None
    # Never an automatic change: the stored results are as they were.
    for screening in old.values():
        before = screening.result
        screening.refresh_from_db()
        assert (screening.result, screening.rule_version) == (before, 1)
    audit = AuditEntry.objects.filter(action="screening.recheck")
    assert [(e.organisation_id, e.details["rechecks"]) for e in audit] == [(cast.org_a.pk, 2)]
    run = AuditEntry.objects.get(action="screening.recheck_run")
    assert run.details == {"checked": 3, "rechecks": 2, "tasks": 1}
    assert AuditEntry.objects.filter(action="task.create", details__kind=RECHECK_TASK).count() == 1
    notified = Notification.objects.filter(message_key="screening_rechecks")
    assert {n.user_id for n in notified} == {cast.supervisor_a.pk}
    assert notified.get().params == {"count": 2}


def test_the_recheck_runs_once(cast: Cast) -> None:
    _old_screenings(cast)
    assert recheck_screenings() is not None
    entries = AuditEntry.objects.count()
    assert recheck_screenings() is None
    call_command("screening", "recheck")
    assert ScreeningRecheck.objects.count() == 2
    assert CaseTask.objects.filter(kind=RECHECK_TASK).count() == 1
    assert RecheckRun.objects.get(rule_version=2).rechecks_created == 2
    assert AuditEntry.objects.count() == entries


def test_with_no_earlier_child_screening_nothing_is_recorded(cast: Cast) -> None:
    screening_create(
        by=cast.caseworker_a,
        indicator_set_id="ilo-child-labour",
        observed=["CHL-EX-01"],
        organisation=cast.org_a,
    )
    report = recheck_screenings()
    assert report is not None
    assert report.checked == 0
    assert not RecheckRun.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="screening.recheck").exists()


def test_the_page_of_an_old_screening_says_its_rule_version_and_what_the_current_rule_says(
    cast: Cast, as_persona: Any
) -> None:
    old = _old_screenings(cast)
    client = as_persona("caseworker_a")
    page = client.get(
        reverse("screening:detail", kwargs={"screening_id": old["child_case"].pk})
    ).content.decode()
    assert (
        "Scored with rule version 1; the current rule (version 2) would rate it: Strong indications" in page
    )
    assert "This result rests on the child rule." not in page  # the stored result is version 1's
    same = client.get(reverse("screening:detail", kwargs={"screening_id": old["adult"].pk})).content.decode()
    assert "Scored with rule version 1; the current rule (version 2) gives the same result." in same


def test_supervisors_see_the_list_coordinators_only_the_count(cast: Cast, as_persona: Any) -> None:
    old = _old_screenings(cast)
    recheck_screenings()
    url = reverse("screening:rechecks")
    case = old["child_case"].case
    assert case is not None
    supervisor_page = as_persona("supervisor_a").get(url).content.decode()
    detail = reverse("screening:detail", kwargs={"screening_id": old["child_case"].pk})
    assert detail in supervisor_page
    assert case.ref in supervisor_page
    coordinator_page = as_persona("coordinator_a").get(url).content.decode()
    assert detail not in coordinator_page
    assert case.ref not in coordinator_page
    assert "Riga Social Service" in coordinator_page
    assert "<td>2</td>" in coordinator_page
    lithuanian = as_persona("coordinator_b").get(url).content.decode()
    assert "Riga Social Service" not in lithuanian
    assert detail not in as_persona("supervisor_b").get(url).content.decode()


def test_a_supervisor_records_the_second_look_and_the_screening_stays_as_it_was(cast: Cast) -> None:
    old = _old_screenings(cast)
    recheck_screenings()
    recheck = ScreeningRecheck.objects.get(screening=old["child_anonymous"])
    with pytest.raises(NotAllowed, match="may not close this organisation"):
        recheck_done(by=cast.supervisor_b, recheck=recheck)
    done = recheck_done(by=cast.supervisor_a, recheck=recheck)
    assert done.done_by == cast.supervisor_a
    assert done.done_at is not None
    with pytest.raises(ValidationError, match="already been looked at again"):
        recheck_done(by=cast.supervisor_a, recheck=recheck)
    assert (
        AuditEntry.objects.filter(
            action="screening.recheck_done", object_ref=str(old["child_anonymous"].pk)
        ).count()
        == 1
    )
    screening = Screening.objects.get(pk=old["child_anonymous"].pk)
    assert (screening.level, screening.rule_version) == ("some", 1)


def test_strom_migrate_runs_the_recheck(cast: Cast) -> None:
    old = _old_screenings(cast)
    call_command("migrate", verbosity=0, interactive=False)
    assert set(ScreeningRecheck.objects.values_list("screening_id", flat=True)) == {
        old["child_case"].pk,
        old["child_anonymous"].pk,
    }
    assert RecheckRun.objects.filter(rule_version=2).exists()


def test_the_task_service_makes_only_registered_requested_tasks(cast: Cast) -> None:
    case = make_case(cast, age_estimate=15)
    for kind in ("rg_due", "review_case", "free text"):
        with pytest.raises(ValueError, match="not a registered requested-task kind"):
            task_request(
                by=SCREENING_RECHECK, case=case, kind=kind, due_date=case.opened_at.date(), source="x"
            )
    assert not CaseTask.objects.filter(case=case, source="x").exists()
