"""Stage machine, decisions, reflection period, permits, proceedings: the rules and their messages."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.choices import CaseStatus, Stage, TraffickingStatus
from strom.cases.services import EditConflict
from strom.core.errors import NotAllowed
from strom.stages import country_rules, stages
from strom.stages.models import CaseStageChange, Decision, ReflectionExtension, ReflectionPeriod
from strom.stages.periods import DAYS, MONTHS, Period
from strom.stages.services import (
    case_close,
    decision_record,
    follow_up_end,
    follow_up_start,
    permit_record,
    permit_update,
    proceeding_record,
    reflection_extend,
    return_plan_record,
    stage_change,
)
from strom.stages.tests.stage_helpers import fresh, opened_case, to_assistance, to_reflection

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


@pytest.fixture
def rules_with_extension(db: None) -> None:
    """Latvia's rules allow no extension; these tests need a version that lets the period reach 90 days.

    The version is in force since always, so periods that started in the past follow it too."""
    from strom.stages.models import CountryRuleVersion
    from strom.stages.tests.rules_helpers import ensure_shipped_versions

    ensure_shipped_versions()
    shipped = CountryRuleVersion.objects.get(country="LV", number=1)
    items = copy.deepcopy(shipped.items)
    items["reflection_longest"]["value"] = {"length": 90, "unit": "days"}
    CountryRuleVersion.objects.create(
        country="LV", number=2, effective_from=shipped.effective_from, items=items
    )


# --- transitions ------------------------------------------------------------------------------------


def test_screening_cannot_jump_to_assistance(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(ValidationError) as exc:
        stage_change(by=cast.caseworker_a, case=case, to_stage=Stage.ASSISTANCE, version=case.version)
    assert "cannot move to" in _messages(exc)


def test_reflection_needs_a_positive_reasonable_grounds_decision(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(ValidationError) as exc:
        stage_change(by=cast.caseworker_a, case=case, to_stage=Stage.REFLECTION, version=case.version)
    assert "reasonable-grounds decision" in _messages(exc)
    decision_record(
        by=cast.supervisor_a,
        case=case,
        kind="reasonable_grounds",
        outcome="negative",
        decided_at=TODAY(),
        version=case.version,
    )
    case = fresh(case)
    with pytest.raises(ValidationError):
        stage_change(by=cast.caseworker_a, case=case, to_stage=Stage.REFLECTION, version=case.version)
    # A negative decision leads to closure with a reason.
    with pytest.raises(ValidationError) as exc:
        stage_change(by=cast.caseworker_a, case=case, to_stage=Stage.CLOSED, version=case.version)
    assert "reason for closing" in _messages(exc)
    case_close(by=cast.caseworker_a, case=case, version=case.version, closure_reason="NotAVictim")
    assert fresh(case).stage == Stage.CLOSED


def test_assistance_needs_positive_formal_identification(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        stage_change(by=cast.caseworker_a, case=case, to_stage=Stage.ASSISTANCE, version=case.version)
    assert "formal identification" in _messages(exc)


def test_return_stage_needs_a_plan(cast: Any) -> None:
    case = to_assistance(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        stage_change(
            by=cast.caseworker_a, case=case, to_stage=Stage.RETURN_REINTEGRATION, version=case.version
        )
    assert "plan" in _messages(exc)
    return_plan_record(
        by=cast.caseworker_a,
        case=case,
        kind="return",
        destination_country="UA",
        risk_assessment_done=True,
        risk_assessment_on=TODAY(),
    )
    stage_change(by=cast.caseworker_a, case=case, to_stage=Stage.RETURN_REINTEGRATION, version=case.version)
    assert fresh(case).stage == Stage.RETURN_REINTEGRATION


def test_return_plan_validates_its_dates_and_country(cast: Any) -> None:
    case = to_assistance(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        return_plan_record(by=cast.caseworker_a, case=case, kind="return", risk_assessment_done=True)
    assert set(exc.value.message_dict) == {"destination_country", "risk_assessment_on"}
    with pytest.raises(ValidationError):
        return_plan_record(
            by=cast.caseworker_a,
            case=case,
            kind="local_integration",
            risk_assessment_done=True,
            risk_assessment_on=TODAY() + dt.timedelta(days=1),
        )


def test_every_stage_lists_its_next_stages_as_data() -> None:
    assert stages.next_stages(Stage.SCREENING) == [Stage.REFLECTION, Stage.CLOSED]
    assert stages.next_stages(Stage.CLOSED) == [Stage.FOLLOW_UP]
    assert stages.next_stages(Stage.FOLLOW_UP) == [Stage.CLOSED]
    assert set(stages.TRANSITIONS) == set(Stage.values)


def test_stale_version_refuses_a_concurrent_stage_change(cast: Any) -> None:
    case = opened_case(cast)
    stale = fresh(case)
    case_close(by=cast.caseworker_a, case=case, version=case.version, closure_reason="LostContact")
    with pytest.raises(EditConflict):
        stage_change(
            by=cast.supervisor_a, case=stale, to_stage=Stage.CLOSED, version=stale.version,
            closure_reason="Other",
        )  # fmt: skip
    assert CaseStageChange.objects.filter(case=case).count() == 1


def test_closure_referred_elsewhere_sets_closed_referred_and_follow_up_runs(cast: Any) -> None:
    case = to_assistance(cast, opened_case(cast))
    case_close(
        by=cast.caseworker_a,
        case=case,
        version=case.version,
        closure_reason="ReferredElsewhere",
        closure_details="Moved to a shelter in another city",
    )
    case = fresh(case)
    assert (case.stage, case.status) == (Stage.CLOSED, CaseStatus.CLOSED_REFERRED)
    assert case.closed_at is not None
    assert case.closure_details == "Moved to a shelter in another city"
    follow_up_start(by=cast.caseworker_a, case=case, version=case.version)
    case = fresh(case)
    assert (case.stage, case.status) == (Stage.FOLLOW_UP, CaseStatus.FOLLOW_UP)
    follow_up_end(by=cast.caseworker_a, case=case, version=case.version)
    case = fresh(case)
    assert case.stage == Stage.CLOSED
    assert case.closure_reason == "ReferredElsewhere"
    assert list(
        CaseStageChange.objects.filter(case=case).order_by("at").values_list("to_stage", flat=True)
    ) == [
        "reflection",
        "assistance",
        "closed",
        "follow_up",
        "closed",
    ]


def test_stage_changes_are_audited_without_personal_data(cast: Any) -> None:
    case = opened_case(cast, given_name="Marija", family_name="Ozola")
    case_close(
        by=cast.caseworker_a,
        case=case,
        version=case.version,
        closure_reason="Other",
        closure_details="Marija left",
    )
    entry = AuditEntry.objects.get(action="case.stage_change", object_ref=case.ref)
    assert entry.details["to_stage"] == "closed"
    assert "Marija" not in str(entry.details)


# --- decisions -----------------------------------------------------------------------------------------


def test_case_worker_without_decide_permission_cannot_record_decisions(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(NotAllowed) as exc:
        decision_record(
            by=cast.caseworker_a, case=case, kind="reasonable_grounds", outcome="positive",
            decided_at=TODAY(), version=case.version,
        )  # fmt: skip
    assert "may not record decisions" in exc.value.message
    assert not Decision.objects.exists()


def test_latvian_municipality_decides_reasonable_grounds_itself(cast: Any) -> None:
    case = opened_case(cast)
    decision = decision_record(
        by=cast.supervisor_a, case=case, kind="reasonable_grounds", outcome="positive",
        decided_at=TODAY(), version=case.version, reason="Indicators of forced labour",
    )  # fmt: skip
    assert decision.decided_by == cast.supervisor_a
    assert decision.recorded_by == cast.supervisor_a
    assert decision.decided_by_org_type == "NonPoliceGovernmentalOrganization"
    assert Decision.objects.get().reason == "Indicators of forced labour"
    assert fresh(case).version == case.version


def test_formal_identification_in_latvia_is_recorded_on_behalf_of_the_police(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        decision_record(
            by=cast.supervisor_a, case=case, kind="formal_identification", outcome="positive",
            decided_at=TODAY(), version=case.version,
        )  # fmt: skip
    assert "your organisation cannot take this decision" in _messages(exc)
    decision = decision_record(
        by=cast.supervisor_a, case=case, kind="formal_identification", outcome="positive",
        decided_at=TODAY(), version=case.version, decided_by_org_type="Police",
    )  # fmt: skip
    assert decision.decided_by is None
    assert decision.recorded_by == cast.supervisor_a
    assert fresh(case).trafficking_status == TraffickingStatus.ACTUAL


def test_lithuanian_ngo_cannot_record_identification_by_an_ngo(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast, "b"), "b")
    with pytest.raises(ValidationError) as exc:
        decision_record(
            by=cast.supervisor_b, case=case, kind="formal_identification", outcome="positive",
            decided_at=TODAY(), version=case.version, decided_by_org_type="NGO",
        )  # fmt: skip
    assert "your organisation cannot" in _messages(exc)
    decision_record(
        by=cast.supervisor_b, case=case, kind="formal_identification", outcome="negative",
        decided_at=TODAY(), version=case.version, decided_by_org_type="CourtOrProsecution",
    )  # fmt: skip
    assert fresh(case).trafficking_status == TraffickingStatus.NOT_A_VICTIM


def test_decision_dates_must_be_between_opening_and_today(cast: Any) -> None:
    case = opened_case(cast, days_ago=3)
    for day, message in (
        (TODAY() + dt.timedelta(days=1), "cannot be in the future"),
        (TODAY() - dt.timedelta(days=4), "before the case was opened"),
    ):
        with pytest.raises(ValidationError) as exc:
            decision_record(
                by=cast.supervisor_a, case=case, kind="reasonable_grounds", outcome="positive",
                decided_at=day, version=case.version,
            )  # fmt: skip
        assert message in _messages(exc)


def test_identification_cannot_predate_reasonable_grounds(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        decision_record(
            by=cast.supervisor_a, case=case, kind="formal_identification", outcome="positive",
            decided_at=TODAY() - dt.timedelta(days=8), version=case.version, decided_by_org_type="Police",
        )  # fmt: skip
    assert "before the reasonable-grounds decision" in _messages(exc)


def test_every_country_file_loads_and_every_value_names_its_source_and_status() -> None:
    rules = country_rules.all_rules()
    assert set(rules) >= {"LV", "LT", "EE", "FI", "SE", "NO", "DK", "PL", "DE", "IS"}
    for code, rule in rules.items():
        assert rule.reflection.days_from(dt.date(2025, 2, 1)) >= 30, code
        for key in country_rules.ITEM_KEYS:
            item = rule.items[key]
            assert item["status"] in country_rules.STATUSES, (code, key)
            assert any(item["source"].values()), (code, key)
            if item["status"] == country_rules.VERIFIED:
                assert item["source"]["act"], (code, key)
                assert item["verified_by"], (code, key)
                assert item["verified_on"], (code, key)
        for decision in country_rules.DECISIONS:
            assert rule.deciders[decision], (code, decision)
    # The corrections of issue 10: months where the law says months.
    assert rules["NO"].reflection == Period(6, MONTHS)
    assert rules["DE"].reflection == Period(3, MONTHS)
    assert rules["PL"].reflection == Period(3, MONTHS)
    assert rules["DK"].reflection_longest == Period(120, DAYS)
    assert rules["EE"].reflection_longest == Period(60, DAYS)
    assert "54 b" not in rules["FI"].items["reflection"]["source"]["section"]
    assert not rules["FI"].is_verified("reflection")
    assert "socialnämnden" in rules["SE"].items["reflection_extension"]["value"]
    assert not rules["IS"].is_verified("reflection")
    assert not rules["LV"].is_verified("reflection_longest")
    assert not rules["LT"].is_verified("reflection_longest")


def test_country_rules_refuse_unknown_decision_makers_and_short_periods() -> None:
    with pytest.raises(country_rules.RulesError, match="deciders_reasonable_grounds"):
        country_rules.shipped_items("XX", {"items": {"deciders_reasonable_grounds": {"value": ["Shaman"]}}})
    with pytest.raises(country_rules.RulesError, match="30 days"):
        country_rules.shipped_items(
            "XX", {"items": {"reflection": {"value": {"length": 29, "unit": "days"}}}}
        )
    with pytest.raises(country_rules.RulesError, match="30 days"):
        # One month from 1 February is less than the Convention's 30 days.
        country_rules.shipped_items(
            "XX", {"items": {"reflection": {"value": {"length": 1, "unit": "months"}}}}
        )
    with pytest.raises(country_rules.RulesError, match="verified"):
        country_rules.shipped_items(
            "XX", {"items": {"reflection": {"value": {"length": 30, "unit": "days"}, "status": "verified"}}}
        )


# --- reflection period ----------------------------------------------------------------------------


def test_reflection_period_defaults_to_thirty_days_from_the_decision(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast), decided_days_ago=5)
    period = ReflectionPeriod.objects.get(case=case)
    assert period.starts_on == TODAY() - dt.timedelta(days=5)
    assert (period.ends_on - period.starts_on).days + 1 == 30


def test_extensions_add_up_and_stop_at_the_country_maximum(cast: Any, rules_with_extension: None) -> None:
    case = to_reflection(cast, opened_case(cast))
    first_end = ReflectionPeriod.objects.get(case=case).ends_on
    reflection_extend(by=cast.caseworker_a, case=case, days=20, reason="Still in hospital")
    period = reflection_extend(by=cast.caseworker_a, case=case, days=30, reason="Needs more time")
    assert period.extension_days == 50
    assert period.ends_on == first_end + dt.timedelta(days=50)
    assert ReflectionExtension.objects.filter(period=period).count() == 2
    with pytest.raises(ValidationError) as exc:
        reflection_extend(by=cast.caseworker_a, case=case, days=11, reason="More")
    assert "10 days are left" in _messages(exc)


@pytest.mark.parametrize("days", [0, -5])
def test_zero_or_negative_extension_is_refused(cast: Any, rules_with_extension: None, days: int) -> None:
    case = to_reflection(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        reflection_extend(by=cast.caseworker_a, case=case, days=days, reason="x")
    assert "at least one day" in _messages(exc)


def test_extension_needs_a_reason(cast: Any, rules_with_extension: None) -> None:
    case = to_reflection(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        reflection_extend(by=cast.caseworker_a, case=case, days=5, reason="  ")
    assert set(exc.value.message_dict) == {"reason"}


def test_latvia_allows_no_extension(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    with pytest.raises(ValidationError) as exc:
        reflection_extend(by=cast.caseworker_a, case=case, days=1, reason="x")
    assert "0 days are left" in _messages(exc)


# --- permits and proceedings ---------------------------------------------------------------------


def test_permit_validity_must_end_after_it_starts(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(ValidationError) as exc:
        permit_record(
            by=cast.caseworker_a, case=case, basis=["personal_situation"], applied_on=TODAY(),
            decision="granted", decided_on=TODAY(), valid_from=TODAY(), valid_until=TODAY(),
        )  # fmt: skip
    assert "must be after" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        permit_record(by=cast.caseworker_a, case=case, basis=[], applied_on=TODAY())
    assert "basis" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        permit_record(
            by=cast.caseworker_a, case=case, basis=["cooperation"], applied_on=TODAY(),
            decision="granted", decided_on=TODAY() - dt.timedelta(days=1),
            valid_from=TODAY(), valid_until=TODAY() + dt.timedelta(days=90),
        )  # fmt: skip
    assert "before the application" in _messages(exc)


def test_permit_update_validates_the_whole_record(cast: Any) -> None:
    case = opened_case(cast)
    permit = permit_record(by=cast.caseworker_a, case=case, basis=["personal_situation"], applied_on=TODAY())
    with pytest.raises(ValidationError):
        permit_update(by=cast.caseworker_a, permit=permit, decision="granted", decided_on=TODAY())
    permit_update(
        by=cast.caseworker_a, permit=permit, decision="granted", decided_on=TODAY(),
        valid_from=TODAY(), valid_until=TODAY() + dt.timedelta(days=365),
    )  # fmt: skip
    permit.refresh_from_db()
    assert permit.decision == "granted"


def test_proceedings_validate_compensation(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(ValidationError) as exc:
        proceeding_record(
            by=cast.caseworker_a, case=case, kind="criminal", role="victim",
            compensation_claimed=True, compensation_amount=Decimal("-1"), compensation_currency="eur",
        )  # fmt: skip
    assert "negative" in _messages(exc)
    proceeding = proceeding_record(
        by=cast.caseworker_a, case=case, kind="civil", role="civil_claimant",
        compensation_claimed=True, compensation_amount=Decimal("12000"), compensation_currency="eur",
        authority="Riga City Court",
    )  # fmt: skip
    assert proceeding.compensation_currency == "EUR"


# --- Art. 11(3): assistance never depends on cooperation -----------------------------------------


def test_assistance_never_depends_on_cooperation_with_the_investigation(cast: Any) -> None:
    """A person who takes part in no proceedings and holds a permit on personal grounds only goes
    through every stage, and support services are open at every stage from screening on."""
    case = opened_case(cast)
    proceeding_record(by=cast.caseworker_a, case=case, kind="criminal", role="none", status="discontinued")
    permit_record(
        by=cast.caseworker_a, case=case, basis=["personal_situation"], applied_on=TODAY(),
        decision="granted", decided_on=TODAY(), valid_from=TODAY(),
        valid_until=TODAY() + dt.timedelta(days=180),
    )  # fmt: skip
    seen = [fresh(case).stage]
    assert stages.services_allowed(fresh(case))
    case = to_reflection(cast, case)
    seen.append(case.stage)
    assert stages.services_allowed(case)
    decision_record(
        by=cast.supervisor_a, case=case, kind="formal_identification", outcome="positive",
        decided_at=TODAY(), version=case.version, decided_by_org_type="NGO",
    )  # fmt: skip
    case = fresh(case)
    for target in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION):
        if target == Stage.RETURN_REINTEGRATION:
            return_plan_record(by=cast.caseworker_a, case=case, kind="local_integration")
        assert stages.refusal(case, target) is None
        stage_change(by=cast.caseworker_a, case=case, to_stage=target, version=case.version)
        case = fresh(case)
        seen.append(case.stage)
        assert stages.services_allowed(case)
    case_close(by=cast.caseworker_a, case=case, version=case.version, closure_reason="GoalsAchieved")
    case = fresh(case)
    follow_up_start(by=cast.caseworker_a, case=case, version=case.version)
    case = fresh(case)
    seen += [Stage.CLOSED, case.stage]
    assert stages.services_allowed(case)
    assert seen == [
        Stage.SCREENING, Stage.REFLECTION, Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION, Stage.CLOSED,
        Stage.FOLLOW_UP,
    ]  # fmt: skip


def test_no_stage_requirement_reads_proceedings_or_permits() -> None:
    """The requirements are data; none of them is about proceedings, roles or a permit's basis."""
    import inspect

    for moves in stages.TRANSITIONS.values():
        for move in moves:
            for requirement in move.requires:
                source = inspect.getsource(requirement.check)
                assert "roceeding" not in source
                assert "ermit" not in source
                assert "role" not in source
