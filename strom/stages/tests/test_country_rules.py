"""Country rules kept by the country: versions with sources and status, published in the browser and the
API, audited; clocks keep the version in force when they start."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.stages import clocks
from strom.stages import country_rules as cr
from strom.stages.models import CaseTask, CountryRuleVersion, ReflectionPeriod
from strom.stages.periods import Period
from strom.stages.services import clocks_on_closed, reflection_extend
from strom.stages.services_rules import ItemChange, country_rules_publish
from strom.stages.tests.rules_helpers import ensure_shipped_versions, form_data, latvian_reflection_change
from strom.stages.tests.stage_helpers import fresh, opened_case, to_reflection

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _shipped_versions(db: None) -> None:
    ensure_shipped_versions()


def _lv_items(number: int = 1) -> dict[str, Any]:
    return dict(CountryRuleVersion.objects.get(country="LV", number=number).items)


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


def test_every_shipped_country_is_version_1_in_force_since_always() -> None:
    versions = {v.country: v for v in CountryRuleVersion.objects.filter(number=1)}
    assert set(versions) == set(cr.shipped_countries())
    assert "IS" in versions
    for country, version in versions.items():
        assert version.effective_from == cr.SHIPPED_EFFECTIVE_FROM
        assert version.created_by is None
        assert version.items == cr.shipped_rules(country).items
    assert cr.rules_for("LV", dt.date(2001, 1, 1)).version_number == 1


def test_a_latvian_coordinator_changes_the_reflection_period_in_the_browser_and_only_new_clocks_follow(
    cast: Any, as_persona: Any
) -> None:
    older = to_reflection(cast, opened_case(cast))  # started under version 1: 30 days
    older_period = ReflectionPeriod.objects.get(case=older)
    first = CountryRuleVersion.objects.get(country="LV", number=1)
    assert (older_period.base_days, older_period.rule_version_id) == (30, first.pk)

    coordinator = as_persona("coordinator_a")
    url = reverse("cases:country_rules_edit", kwargs={"country": "LV"})
    page = coordinator.get(url)
    assert page.status_code == 200
    assert "Publish the new version" in page.content.decode()
    response = coordinator.post(
        url, latvian_reflection_change(_lv_items(), based_on=1, effective_from=TODAY())
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    version = CountryRuleVersion.objects.get(country="LV", number=2)
    assert version.effective_from == TODAY()
    assert version.created_by == cast.coordinator_a
    reflection = version.items["reflection"]
    assert reflection["value"] == {"length": 45, "unit": "days"}
    assert reflection["source"]["act"] == "Example Act on Reflection"
    assert (reflection["status"], reflection["verified_by"]) == (
        "verified",
        cast.coordinator_a.get_full_name(),
    )
    # Unchanged items keep their status: Latvia's "no extension" stays unverified.
    assert version.items["reflection_extension"] == _lv_items(1)["reflection_extension"]
    entry = AuditEntry.objects.get(action="country_rules.publish")
    assert (entry.object_ref, entry.details["version"]) == ("LV", 2)
    assert entry.details["changed"] == ["reflection", "reflection_longest"]

    newer = to_reflection(cast, opened_case(cast), decided_days_ago=0)
    newer_period = ReflectionPeriod.objects.get(case=newer)
    assert (newer_period.base_days, newer_period.rule_version_id) == (45, version.pk)
    assert CaseTask.objects.get(case=newer, kind=clocks.REFLECTION_ENDS).rule_version_id == version.pk
    # The older case keeps its rule: the same 30 days, version 1, on the period and on its clock.
    assert ReflectionPeriod.objects.get(case=older).ends_on == older_period.ends_on
    older_clock = CaseTask.objects.get(case=older, kind=clocks.REFLECTION_ENDS)
    assert older_clock.rule_version_id == older_period.rule_version_id

    # Each case page says which rule version and source its clocks follow.
    worker = as_persona("caseworker_a")
    new_page = worker.get(reverse("cases:stages", kwargs={"ref": newer.ref})).content.decode()
    assert "LV rules, version 2" in new_page
    assert "Example Act on Reflection" in new_page
    old_page = worker.get(reverse("cases:stages", kwargs={"ref": older.ref})).content.decode()
    assert "LV rules, version 1" in old_page
    assert "Based on an unverified rule: ask your national coordinator." in old_page


def test_an_older_period_keeps_its_extension_limit_when_the_rules_change(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    items = _lv_items()
    country_rules_publish(
        by=cast.coordinator_a,
        country="LV",
        based_on=1,
        effective_from=TODAY(),
        changes={
            "reflection_longest": ItemChange(
                value={"length": 90, "unit": "days"}, source=items["reflection_longest"]["source"]
            )
        },
    )
    with pytest.raises(ValidationError, match="0 days are left"):
        reflection_extend(by=cast.caseworker_a, case=fresh(case), days=1, reason="More time")
    assert ReflectionPeriod.objects.get(case=case).extension_days == 0


def test_an_effective_date_in_the_past_is_refused_unless_a_system_admin_gives_a_reason(cast: Any) -> None:
    change = {"reflection": ItemChange(value={"length": 30, "unit": "days"}, source={"act": "Example Act"})}
    yesterday = TODAY() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        country_rules_publish(
            by=cast.coordinator_a, country="LV", based_on=1, effective_from=yesterday, changes=change
        )
    assert "today at the earliest" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        country_rules_publish(
            by=cast.sysadmin, country="LV", based_on=1, effective_from=yesterday, changes=change
        )
    assert set(exc.value.message_dict) == {"backdate_reason"}
    assert not CountryRuleVersion.objects.filter(country="LV", number=2).exists()

    version = country_rules_publish(
        by=cast.sysadmin,
        country="LV",
        based_on=1,
        effective_from=yesterday,
        changes=change,
        backdate_reason="The amendment took effect yesterday",
    )
    assert version.backdated
    entry = AuditEntry.objects.get(action="country_rules.publish")
    assert (entry.reason, entry.details["backdated"]) == ("The amendment took effect yesterday", True)


def test_only_the_countrys_coordinators_and_the_system_admin_keep_its_rules(cast: Any) -> None:
    change = {"retention": ItemChange(value={"years": 6, "action": "anonymise"})}
    for user in (cast.coordinator_b, cast.supervisor_a, cast.orgadmin_a, cast.analyst_a):
        with pytest.raises(NotAllowed):
            country_rules_publish(by=user, country="LV", based_on=1, effective_from=TODAY(), changes=change)
    assert CountryRuleVersion.objects.filter(country="LV").count() == 1
    assert (
        country_rules_publish(
            by=cast.coordinator_b, country="LT", based_on=1, effective_from=TODAY(), changes=change
        ).number
        == 2
    )


def test_a_stale_version_nothing_changed_and_bad_values_are_refused_with_their_reasons(cast: Any) -> None:
    def publish(based_on: int, **changes: ItemChange) -> Any:
        return country_rules_publish(
            by=cast.coordinator_a, country="LV", based_on=based_on, effective_from=TODAY(), changes=changes
        )

    with pytest.raises(ValidationError, match="Nothing changed"):
        publish(1, reflection=ItemChange(value=_lv_items()["reflection"]["value"]))
    with pytest.raises(ValidationError) as exc:
        publish(1, reflection=ItemChange(value={"length": 20, "unit": "days"}))
    assert "30 days" in exc.value.message_dict["reflection"][0]
    with pytest.raises(ValidationError) as exc:
        publish(
            1, reflection=ItemChange(value={"length": 30, "unit": "days"}, source={"act": ""}, verified=True)
        )
    assert "name the act" in exc.value.message_dict["reflection"][0]
    with pytest.raises(ValidationError) as exc:
        publish(1, deciders_reasonable_grounds=ItemChange(value=["Shaman"]))
    assert "from the list" in exc.value.message_dict["deciders_reasonable_grounds"][0]
    publish(1, retention=ItemChange(value={"years": 6, "action": "anonymise"}))
    with pytest.raises(ValidationError, match="Version 2 was published"):
        publish(1, retention=ItemChange(value={"years": 7, "action": "anonymise"}))
    assert CountryRuleVersion.objects.filter(country="LV").count() == 2


def test_a_verified_value_keeps_its_verifier_until_it_changes(cast: Any) -> None:
    source = {"act": "Example Act", "section": "Section 1"}
    thirty = {"length": 30, "unit": "days"}
    first = country_rules_publish(
        by=cast.coordinator_a, country="LV", based_on=1, effective_from=TODAY(),
        changes={"reflection": ItemChange(value=thirty, source=source, verified=True)},
    )  # fmt: skip
    assert first.items["reflection"]["verified_by"] == cast.coordinator_a.get_full_name()
    second = country_rules_publish(
        by=cast.sysadmin, country="LV", based_on=2, effective_from=TODAY(),
        changes={
            "reflection": ItemChange(value=thirty, source=source, verified=True),
            "retention": ItemChange(value={"years": 6, "action": "anonymise"}),
        },
    )  # fmt: skip
    assert second.items["reflection"]["verified_by"] == cast.coordinator_a.get_full_name()
    third = country_rules_publish(
        by=cast.sysadmin, country="LV", based_on=3, effective_from=TODAY(),
        changes={"reflection": ItemChange(value=thirty, source={"act": "Another Act"})},
    )  # fmt: skip
    assert third.items["reflection"]["status"] == cr.UNVERIFIED
    assert third.items["reflection"]["verified_by"] == ""


def test_a_future_version_waits_for_its_day(cast: Any) -> None:
    later = TODAY() + dt.timedelta(days=10)
    country_rules_publish(
        by=cast.coordinator_a, country="LV", based_on=1, effective_from=later,
        changes={
            "reflection": ItemChange(value={"length": 2, "unit": "months"}),
            "reflection_longest": ItemChange(value={"length": 2, "unit": "months"}),
        },
    )  # fmt: skip
    assert cr.rules_for("LV").reflection == Period(30)
    assert cr.rules_for("LV", later).reflection == Period(2, "months")


def test_a_reflection_period_in_months_ends_by_the_calendar(cast: Any) -> None:
    """Six months from 31 August end on the last day of February, not after 180 days."""
    start = dt.date(2025, 8, 31)
    items = _lv_items()
    items["reflection"]["value"] = {"length": 6, "unit": "months"}
    items["reflection_longest"]["value"] = {"length": 6, "unit": "months"}
    CountryRuleVersion.objects.create(country="LV", number=2, effective_from=dt.date(2025, 1, 1), items=items)
    case = opened_case(cast, days_ago=(TODAY() - start).days)
    case = to_reflection(cast, case, decided_days_ago=(TODAY() - start).days)
    period = ReflectionPeriod.objects.get(case=case)
    assert (period.starts_on, period.ends_on) == (start, dt.date(2026, 2, 28))
    assert period.base_days == 182


def test_the_api_publishes_a_version_and_refuses_a_bad_one_with_a_problem(cast: Any, as_persona: Any) -> None:
    client = as_persona("coordinator_a")
    url = reverse("api:country_rules_publish", kwargs={"country": "lv"})
    bad = {
        "based_on": 1,
        "effective_from": TODAY().isoformat(),
        "items": {"reflection": {"value": {"length": 3}}},
    }
    response = client.post(url, bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/reflection"
    good = {
        "based_on": 1,
        "effective_from": TODAY().isoformat(),
        "items": {"follow_up": {"value": [{"length": 3, "unit": "months"}]}},
    }
    response = client.post(url, good, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 2
    follow_up = next(i for i in body["items"] if i["key"] == "follow_up")
    assert (follow_up["text"], follow_up["status"]) == ("3 months", "unverified")
    # The source was left out: it stays as it was.
    assert follow_up["source"] == _lv_items(1)["follow_up"]["source"]
    detail = (
        as_persona("caseworker_b").get(reverse("api:country_rules_detail", kwargs={"country": "LV"})).json()
    )
    assert detail["in_force"]["version"] == 2
    assert [v["number"] for v in detail["versions"]] == [2, 1]


def test_follow_up_clocks_in_months_follow_the_calendar(cast: Any) -> None:
    country_rules_publish(
        by=cast.coordinator_a, country="LV", based_on=1, effective_from=TODAY(),
        changes={"follow_up": ItemChange(value=[{"length": n, "unit": "months"} for n in (1, 12)])},
    )  # fmt: skip
    case = opened_case(cast)
    clocks_on_closed(by=cast.caseworker_a, case=case, closed_on=dt.date(2027, 1, 31))
    dues = sorted(
        CaseTask.objects.filter(case=case, kind=clocks.FOLLOW_UP_CONTACT).values_list("due_date", flat=True)
    )
    assert dues == [dt.date(2027, 2, 28), dt.date(2028, 1, 31)]


def test_the_rules_pages_show_every_value_with_its_source_and_status(cast: Any, as_persona: Any) -> None:
    worker = as_persona("caseworker_a")
    page = worker.get(reverse("cases:country_rules_detail", kwargs={"country": "SE"})).content.decode()
    assert "Migrationsverket" in page
    assert "Verified by STROM project" in page
    assert "Unverified" in page
    assert "Publish a new version" not in page
    assert "ask your national coordinator" in page
    coordinator_page = as_persona("coordinator_a").get(
        reverse("cases:country_rules_detail", kwargs={"country": "LV"})
    )
    assert "values are unverified: check them against their sources" in coordinator_page.content.decode()
    listing = worker.get(reverse("cases:country_rules")).content.decode()
    assert "Iceland" in listing
    assert "9 months" in listing


def test_a_form_with_a_bad_link_comes_back_with_the_message_and_nothing_is_published(
    cast: Any, as_persona: Any
) -> None:
    data = form_data(
        _lv_items(),
        based_on=1,
        effective_from=TODAY(),
        fields={"reflection-url": "not a link", "reflection-length": "40"},
    )
    response = as_persona("coordinator_a").post(
        reverse("cases:country_rules_edit", kwargs={"country": "LV"}), data
    )
    assert response.status_code == 422
    assert "Enter a valid URL" in response.content.decode()
    assert CountryRuleVersion.objects.filter(country="LV").count() == 1


def test_docs_clocks_md_lists_every_shipped_value_with_its_source_and_status() -> None:
    from strom.stages import rules_doc

    text = rules_doc.DOC.read_text(encoding="utf-8")
    listed = rules_doc.embedded(text)
    assert listed == rules_doc.rules_markdown(), "run: strom country_rules_doc --write"
    for country, rules in cr.all_rules().items():
        section = listed.split(f"### {country}:", 1)[1].split("\n### ", 1)[0]
        rows = [
            line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| rule")
        ]
        assert len(rows) == len(cr.ITEM_KEYS), country
        assert sum("**unverified**" in row for row in rows) == len(rules.unverified), country
        assert all(row.count(" | ") == 3 for row in rows), country


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("follow_up", ["90 days", {"length": 1}]),
        ("deciders_formal_identification", ["Police", {"x": 1}]),
        ("deciders_formal_identification", []),
        ("reflection", {"length": 1e308, "unit": "days"}),
        ("reflection", {"length": True, "unit": "days"}),
        ("retention", {"years": "5", "action": "anonymise"}),
        ("residence_permits", 42),
        ("residence_permits", "   "),
    ],
)
def test_odd_values_from_the_api_get_a_clear_error_and_nothing_is_published(
    cast: Any, as_persona: Any, key: str, value: Any
) -> None:
    body = {"based_on": 1, "effective_from": TODAY().isoformat(), "items": {key: {"value": value}}}
    url = reverse("api:country_rules_publish", kwargs={"country": "LV"})
    response = as_persona("coordinator_a").post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == f"#/{key}"
    assert CountryRuleVersion.objects.filter(country="LV").count() == 1
