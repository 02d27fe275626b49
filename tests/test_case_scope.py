"""The case rule asked in Python gives the query's answer, row for row.

The case page reads the parts of a case it already has by the case's id, after asking the rule of the
case row in Python (`may_see_case`, `CasePartQuerySet.of_case`, `records_for_case`, `sent_of_case`),
instead of asking PostgreSQL the rule again in every part's query. Here every persona, a deactivated
one and one whose membership ended ask about cases of four organisations, unheld and held by different
people, and each Python answer must equal the query's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from strom.accounts.models import Membership, User
from strom.cases.access import may_see_case
from strom.cases.models import Case, CasePartQuerySet
from strom.consent.models import ConsentRecord
from strom.consent.selectors import answers_for_case, applying, records_for_case
from strom.consent.services import consent_record
from strom.referrals.access import sent_of_case, sent_visible_to
from strom.referrals.models import Referral
from strom.referrals.tests.factories import make_referral
from strom.stages.services import task_create
from tests.personas import Cast

pytestmark = pytest.mark.django_db

CASES = (  # (organisation, who holds the case: a persona or None)
    ("a", None),
    ("a", "caseworker_a"),
    ("a", "supervisor_a"),
    ("b", "caseworker_b"),
    ("hotline_lv", "hotline_a"),
    ("hotline_lv", None),
    ("hotline_lt", "hotline_b"),
)


def _askers(cast: Cast) -> list[User]:
    inactive = User.objects.create_user("inactive@example.test", full_name="Inactive Worker")
    Membership.objects.create(user=inactive, organisation=cast.org_a, role="case_worker")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    left = User.objects.create_user("left@example.test", full_name="Former Operator")
    Membership.objects.create(
        user=left, organisation=cast.orgs["hotline_lv"], role="hotline_operator", is_active=False
    )
    return [*cast.users.values(), User.objects.get(pk=inactive.pk), left]


@pytest.fixture
def cases(cast: Cast) -> list[Case]:
    from strom.cases.tests.factories import make_case

    made = []
    for org, holder in CASES:
        case = make_case(cast, org=org)
        Case.objects.filter(pk=case.pk).update(owner=cast.users[holder] if holder else None)
        made.append(Case.objects.select_related("person").get(pk=case.pk))
    # Rows in the parts the case page reads by the case's id: a task, a case-wide and a person-wide
    # consent answer, and a referral.
    first = made[0]
    opener = cast.users["caseworker_a"]
    task_create(by=opener, case=first, title_key="contact_person", due_date=timezone.localdate())
    for case_only in (True, False):
        consent_record(
            by=opener,
            case=first,
            purpose="statistics",
            given=True,
            given_at=timezone.localdate() - dt.timedelta(days=1),
            how="written",
            case_only=case_only,
        )
    make_referral(cast, case=made[1])
    return made


def test_may_see_case_answers_as_the_query(cast: Cast, cases: list[Case]) -> None:
    for user in _askers(cast):
        seen = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        for case in cases:
            assert may_see_case(user, case) == (case.pk in seen), (user.email, case.organisation.name)


def test_parts_read_by_case_id_are_the_visible_ones(cast: Cast, cases: list[Case]) -> None:
    part_models = [m for m in apps.get_models() if isinstance(m._default_manager.all(), CasePartQuerySet)]
    assert len(part_models) > 10  # the tasks, periods, permits, plans, needs, notes, documents, ...
    for user in _askers(cast):
        for case in cases:
            for model in part_models:
                rows: CasePartQuerySet[Any] = model._default_manager.all()  # type: ignore[assignment]
                path = f"{rows.case_path}__pk"
                expected = set(rows.visible_to(user).filter(**{path: case.pk}).values_list("pk", flat=True))
                assert set(rows.of_case(user, case).values_list("pk", flat=True)) == expected, model


def test_consent_and_referrals_of_a_case_are_the_visible_ones(cast: Cast, cases: list[Case]) -> None:
    assert ConsentRecord.objects.exists()
    assert Referral.objects.exists()
    for user in _askers(cast):
        for case in cases:
            consent = set(
                ConsentRecord.objects.visible_to(user)
                .filter(pk__in=applying(case))
                .values_list("pk", flat=True)
            )
            assert {r.pk for r in records_for_case(user, case)} == consent, user.email
            assert {r.pk for r in answers_for_case(user, case)} == consent, user.email
            sent = set(
                sent_visible_to(user, Referral.objects.all()).filter(case=case).values_list("pk", flat=True)
            )
            assert set(sent_of_case(user, case).values_list("pk", flat=True)) == sent, user.email
