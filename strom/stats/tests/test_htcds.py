"""The HTCDS export: pseudonymised, consented cases only, HTCDS names, CSV and JSON Lines.

Synthetic people only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import threading
from typing import Any

import pytest
from django.utils import timezone

from strom.audit.actors import STATISTICS
from strom.audit.models import AuditEntry
from strom.casefile.services import event_record, note_add, perpetrator_add
from strom.cases.models import Case, Person
from strom.cases.services import identity_document_add
from strom.cases.tests.factories import make_case
from strom.consent.models import ConsentRecord
from strom.consent.selectors import consent_status
from strom.consent.services import consent_record, consent_withdraw
from strom.core.countries import is_country
from strom.stages.services import decision_record
from strom.stats import htcds_fields as hf
from strom.stats.htcds import CSV_COLUMNS, HtcdsExportRefused, HtcdsReport, write_htcds
from strom.support.services import service_plan
from tests.personas import Cast

TODAY = dt.date(2026, 6, 1)


def export(fmt: str, *, by: Any = STATISTICS, **options: Any) -> tuple[str, HtcdsReport]:
    out = io.StringIO()
    report = write_htcds(out, fmt=fmt, by=by, today=TODAY, **options)  # type: ignore[arg-type]
    return out.getvalue(), report


def parse(fmt: str, text: str) -> list[dict[str, Any]]:
    if fmt == "json":
        return [json.loads(line) for line in text.splitlines()]
    rows = list(csv.DictReader(io.StringIO(text)))
    return [dict(row) for row in rows]


def consent(
    cast: Cast, case: Case, *, given: bool = True, on: dt.date = dt.date(2026, 1, 10), **kw: Any
) -> ConsentRecord:
    return consent_record(
        by=cast.users["caseworker_a"],
        case=case,
        purpose="statistics",
        given=given,
        given_at=on,
        how="written",
        **kw,
    )


SECRETS = {
    "given_name": "Jūlija",
    "family_name": "Ivanova",
    "other_names": "Yulia Iwanowa",
    "contact": "+371 2000 1234, julija.synth@example.test",
    "address": "Brīvības iela 99-7, Rīga",
    "birth_date": "1990-05-17",
}


def revealing_case(cast: Cast) -> Case:
    """A synthetic person with every kind of identifying detail STROM can hold, consented to statistics."""
    case = make_case(
        cast,
        gender="Feminine",
        citizenships=["UA"],
        forms_of_exploitation=["ForcedLabour"],
        given_name=SECRETS["given_name"],
        family_name=SECRETS["family_name"],
        other_names=SECRETS["other_names"],
        contact=SECRETS["contact"],
        address=SECRETS["address"],
        birth_date=SECRETS["birth_date"],
    )
    worker = cast.users["caseworker_a"]
    identity_document_add(by=worker, person=case.person, doc_type="Passport", number="FX4417022")
    event_record(
        by=worker,
        case=case,
        event_type="Exploitation",
        country="LV",
        city="Daugavpils",
        state="Latgale",
        street="Cietokšņa iela 13",
        postal_code="LV-5401",
        description="Kept in the back room of the bakery",
        date_from=dt.date(2025, 3, 17),
        forms_of_exploitation=["ForcedCriminality"],
        means_of_control=["DebtBondage"],
        industry="F_Construction",
    )
    perpetrator_add(
        by=worker,
        case=case,
        name="Synthetic Trafficker",
        roles=["RecruiterOrIntermediary"],
        relationship="Acquainted",
    )
    note_add(by=worker, case=case, body="Asked for her sister in Tallinn")
    service_plan(
        by=worker,
        case=case,
        service_type="SafeAccommodation",
        status="delivered",
        provider_name="Shelter Zvaigzne",
        notes="Room 4, arrived with her child",
        actual_start=dt.date(2025, 4, 2),
        actual_end=dt.date(2025, 5, 20),
    )
    case.refresh_from_db()
    decision_record(
        by=cast.users["supervisor_a"],
        case=case,
        kind="reasonable_grounds",
        outcome="positive",
        decided_at=timezone.localdate(case.opened_at),
        version=case.version,
        decided_by_org_type="Police",
        reason="Statement matches the bakery inspection",
    )
    consent(cast, case, case_only=False)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_no_name_contact_address_document_reference_or_free_text_appears(cast: Cast, fmt: str) -> None:
    case = revealing_case(cast)
    text, report = export(fmt)
    assert report.cases == 1
    never = [
        *SECRETS.values(),
        "Julija",
        "Ivanova",
        "1990",
        "05-17",
        "FX4417022",
        "Daugavpils",
        "Latgale",
        "Cietokšņa",
        "LV-5401",
        "bakery",
        "Synthetic Trafficker",
        "sister",
        "Zvaigzne",
        "Room 4",
        "inspection",
        case.ref,
        "2025-03-17",
        "2025-05-20",
    ]
    for value in never:
        assert value.casefold() not in text.casefold(), value
    record = parse(fmt, text)[0]
    assert record["strom_CasePseudonym"] != case.ref
    assert not re.search(rf"\b{case.pk}\b", str(record["strom_CasePseudonym"]))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_dates_are_given_to_the_month_and_age_only_as_a_band(cast: Cast, fmt: str) -> None:
    case = revealing_case(cast)
    event_record(
        by=cast.users["caseworker_a"],
        case=case,
        event_type="Recruitment",
        country="UA",
        date_from=dt.date(2024, 1, 1),
        date_from_precision="year",
    )
    record = parse(fmt, export(fmt)[0])[0]
    if fmt == "json":
        dates = [e["hte_Date"] for e in record["strom_TraffickingEvents"]]
        assert record["strom_Services"][0]["spl_ActualEndDate"] == "2025-05"
    else:
        dates = record["hte_Date"].split(";")
    assert dates == ["2024", "2025-03"]  # date order: the year-only recruitment comes first
    assert "prs_Birthdate" not in record
    assert record["strom_AgeBand"] in hf.AGE_BANDS


def test_the_same_person_has_one_pseudonym_within_an_export_and_new_ones_in_the_next(cast: Cast) -> None:
    first = make_case(cast, citizenships=["EE"])
    second = make_case(cast, person=first.person)
    other = make_case(cast, citizenships=["FI"])
    consent(cast, first, case_only=False)
    consent(cast, other)
    records = parse("json", export("json")[0])
    assert len(records) == 3
    by_person: dict[str, set[str]] = {}
    for record in records:
        by_person.setdefault(record["strom_PersonPseudonym"], set()).add(record["strom_CasePseudonym"])
    assert sorted(len(cases) for cases in by_person.values()) == [1, 2]
    assert len({r["strom_CasePseudonym"] for r in records}) == 3
    shared = next(p for p, cases in by_person.items() if len(cases) == 2)
    assert {r["prs_Citizenship"][0] for r in records if r["strom_PersonPseudonym"] == shared} == {"EE"}
    assert second.person_id == first.person_id

    again = parse("json", export("json")[0])
    assert not {r["strom_PersonPseudonym"] for r in again} & set(by_person)
    assert not {r["strom_CasePseudonym"] for r in again} & {r["strom_CasePseudonym"] for r in records}


def test_only_cases_whose_person_consented_to_statistics_are_exported(cast: Cast) -> None:
    worker = cast.users["caseworker_a"]
    given = make_case(cast, citizenships=["EE"])
    consent(cast, given, case_only=False)
    refused = make_case(cast, citizenships=["FI"])
    consent(cast, refused, given=False)
    make_case(cast, citizenships=["SE"])  # never asked: no
    withdrawn = make_case(cast, citizenships=["NO"])
    record = consent(cast, withdrawn)
    consent_withdraw(by=worker, case=withdrawn, record=record, withdrawn_at=dt.date(2026, 2, 1))
    expired = make_case(cast, citizenships=["DK"])
    consent(cast, expired, valid_until=dt.date(2026, 5, 31))
    # A later refusal for one case overrides the person-wide yes for that case only.
    overridden = make_case(cast, citizenships=["PL"])
    consent(cast, overridden, case_only=False)
    other_case = make_case(cast, person=overridden.person)
    consent(cast, other_case, given=False, on=dt.date(2026, 3, 1))
    # Consent only for a person's first case: the second is not covered.
    only_first = make_case(cast, citizenships=["IS"])
    consent(cast, only_first)
    make_case(cast, person=only_first.person)
    # Another purpose does not count.
    services_only = make_case(cast, citizenships=["DE"])
    consent_record(
        by=worker,
        case=services_only,
        purpose="services",
        given=True,
        given_at=dt.date(2026, 1, 10),
        how="written",
    )

    records, report = export("json")
    exported = sorted(r["prs_Citizenship"][0] for r in parse("json", records))
    assert exported == ["EE", "IS", "PL"]
    expected = sorted(
        c.person.citizenships[0]
        for c in Case.objects.all()
        if consent_status(c, "statistics", today=TODAY).given
    )
    assert exported == expected
    assert report.cases == 3
    assert report.persons == 3
    assert "statistics" in report.consent_rule


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_field_is_htcds_or_a_strom_extension_and_every_value_an_htcds_value_name(
    cast: Cast, fmt: str
) -> None:
    revealing_case(cast)
    case = make_case(
        cast, gender="TransgenderMasculine", citizenships=["LT", "BY"], forms_of_exploitation=["Surrogacy"]
    )
    event_record(
        by=cast.users["caseworker_a"],
        case=case,
        event_type="Recruitment",
        country="BY",
        recruitment_methods=["ThroughOnlineSocialNetworks"],
        websites_and_apps=["Telegram"],
        date_from=dt.date(2024, 11, 3),
    )
    service_plan(by=cast.users["caseworker_a"], case=case, service_type="RightsBasedTraining")
    consent(cast, case)
    text, report = export(fmt)
    records = parse(fmt, text)
    assert len(records) == 2
    known = hf.HTCDS_FIELDS | set(hf.EXTENSIONS)
    for record in records:
        nested = record.get("strom_TraffickingEvents", []) + record.get("strom_Services", [])
        for fields in [record, *nested]:
            assert set(fields) <= known, set(fields) - known
            for name, value in fields.items():
                values = _values(fmt, name, value)
                if name in hf.VALUES:
                    assert set(values) <= set(hf.VALUES[name]), (name, values)
                elif name in hf.COUNTRY_FIELDS:
                    assert all(is_country(v) for v in values), (name, values)
                elif name in hf.DATE_FIELDS:
                    assert all(re.fullmatch(r"\d{4}(-\d{2})?", v) for v in values), (name, values)
    # STROM's values without an HTCDS name: forced criminality is "Other", safe accommodation "SocialCare".
    first = next(r for r in records if "UA" in _values(fmt, "prs_Citizenship", r["prs_Citizenship"]))
    assert _values(fmt, "vic_TypeOfExploitation", first["vic_TypeOfExploitation"]) == [
        "ForcedLabour",
        "Other",
    ]
    assert _values(fmt, "spl_Type", first["spl_Type"]) == ["SocialCare"]
    assert _values(fmt, "vic_RelationshipToTrafficker", first["vic_RelationshipToTrafficker"]) == [
        "Acquainted"
    ]
    assert first["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
    assert report.values_generalised == {"vic_TypeOfExploitation": 1}


def _values(fmt: str, name: str, value: Any) -> list[str]:
    """The value names of one field, whichever format they came in."""
    if value is None or value == "" or isinstance(value, (bool, int)) or name.startswith("strom_"):
        return []
    if isinstance(value, list):
        return value
    return value.split(";") if fmt == "csv" else [value]


def test_csv_and_json_hold_the_same_records(cast: Cast) -> None:
    revealing_case(cast)
    case = make_case(cast, gender="Masculine", citizenships=["MD"], age_estimate=16, believed_child=True)
    for event_type, country in (("Recruitment", "MD"), ("Transit", ""), ("Exploitation", "PL")):
        event_record(by=cast.users["caseworker_a"], case=case, event_type=event_type, country=country)
    consent(cast, case)
    csv_text, csv_report = export("csv")
    json_text, json_report = export("json")
    assert csv_text.splitlines()[0].split(",") == list(CSV_COLUMNS)
    rows, objects = parse("csv", csv_text), parse("json", json_text)
    assert len(rows) == len(objects) == csv_report.cases == json_report.cases == 2

    def comparable(record: dict[str, Any], fmt: str) -> tuple[Any, ...]:
        events = record.get("strom_TraffickingEvents")
        types = (
            [e["hte_Type"] for e in events]
            if events is not None
            else _values(fmt, "hte_Type", record["hte_Type"])
        )
        countries = (
            [e["hte_Country"] or "" for e in events]
            if events is not None
            else record["hte_Country"].split(";")
        )
        return (
            record["prs_Gender"],
            record["cas_Status"],
            str(record["strom_IsChild"]).upper(),
            str(record["strom_YearOfRegistration"]),
            record["strom_AgeBand"] or "",
            tuple(_values(fmt, "prs_Citizenship", record["prs_Citizenship"])),
            tuple(_values(fmt, "vic_MethodsOfControl", record["vic_MethodsOfControl"])),
            tuple(types),
            tuple(countries),
        )

    assert sorted(comparable(r, "csv") for r in rows) == sorted(comparable(o, "json") for o in objects)
    child = next(o for o in objects if o["prs_Citizenship"] == ["MD"])
    assert child["strom_IsChild"] is True
    assert [e["hte_Country"] for e in child["strom_TraffickingEvents"]] == ["MD", None, "PL"]
    assert next(r for r in rows if r["prs_Citizenship"] == "MD")["hte_Country"] == "MD;;PL"


@pytest.mark.parametrize(
    "persona", ["caseworker_a", "supervisor_a", "coordinator_a", "analyst_a", "orgadmin_a", "outsider"]
)
def test_nobody_but_the_command_line_and_a_system_admin_may_export(cast: Cast, persona: str) -> None:
    revealing_case(cast)
    before = AuditEntry.objects.filter(action="stats.export_htcds").count()
    out = io.StringIO()
    with pytest.raises(HtcdsExportRefused):
        write_htcds(out, fmt="json", by=cast.users[persona])
    assert out.getvalue() == ""
    assert AuditEntry.objects.filter(action="stats.export_htcds").count() == before


def test_a_system_admin_may_export_but_never_without_the_consent_check(cast: Cast) -> None:
    revealing_case(cast)
    make_case(cast)  # not consented
    _text, report = export("json", by=cast.users["sysadmin"])
    assert report.cases == 1
    with pytest.raises(HtcdsExportRefused):
        export("json", by=cast.users["sysadmin"], consent_filter=False)
    _text, everything = export("json", consent_filter=False)
    assert everything.cases == Case.objects.count() == 2
    assert not everything.consent_filter


def test_each_export_writes_one_audit_entry_with_counts_only(cast: Cast) -> None:
    revealing_case(cast)
    text, _report = export("csv", by=cast.users["sysadmin"])
    entry = AuditEntry.objects.filter(action="stats.export_htcds").latest("seq")
    assert entry.actor_id == cast.users["sysadmin"].pk
    assert entry.details["cases"] == 1
    assert entry.details["persons"] == Person.objects.filter(cases__isnull=False).distinct().count() == 1
    assert entry.details["events"] == 1
    assert entry.details["services"] == 1
    assert entry.details["format"] == "csv"
    assert entry.details["consent_filter"] is True
    pseudonym = parse("csv", text)[0]["strom_CasePseudonym"]
    assert pseudonym not in json.dumps(entry.details)


def test_strom_value_names_are_htcds_value_names_except_the_documented_ones() -> None:
    """What lets the export pass STROM's values through: only forced criminality and the statutory
    services (mapped onto spl_Type) have no HTCDS name."""
    from strom.casefile import choices as ev
    from strom.cases import choices as cs
    from strom.stages.models import DecisionMaker
    from strom.stats.htcds import SERVICE_TO_SPL
    from strom.support.choices import ServiceType

    same = {
        "prs_Gender": cs.Gender,
        "cas_Status": cs.CaseStatus,
        "vic_TraffickingStatus": cs.TraffickingStatus,
        "vic_TraffickingStatusDecisionMakingOrg": DecisionMaker,
        "hte_Type": ev.EventType,
        "vic_ForcedLabourIndustry": ev.Industry,
        "vic_TypeOfSexExploitation": ev.SexExploitationType,
        "vic_MethodsOfControl": ev.MeansOfControl,
        "vic_MethodOfRecruitment": ev.RecruitmentMethod,
        "vic_RecruitmentWebsitesAndApps": ev.WebsiteOrApp,
        "vic_RelationshipToTrafficker": ev.Relationship,
    }
    for name, choices in same.items():
        assert set(choices.values) - {""} <= set(hf.VALUES[name]), name
    assert set(cs.Exploitation.values) - set(hf.VALUES["vic_TypeOfExploitation"]) == {"ForcedCriminality"}
    assert set(ServiceType.values) - set(hf.VALUES["spl_Type"]) == set(SERVICE_TO_SPL)
    assert set(SERVICE_TO_SPL.values()) <= set(hf.VALUES["spl_Type"])


def test_an_export_that_fails_while_writing_stops_its_reader_and_audits_nothing(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from strom.stats import htcds

    monkeypatch.setattr(htcds, "CHUNK_ROWS", 1)  # the reader is blocked on a full queue
    for _ in range(6):
        consent(cast, make_case(cast))

    class DiskFull(io.StringIO):
        def write(self, text: str) -> int:
            if self.getvalue().count("\n") >= 2:
                raise OSError("no space left on device")
            return super().write(text)

    with pytest.raises(OSError, match="no space"):
        write_htcds(DiskFull(), fmt="json", by=STATISTICS, today=TODAY)
    assert not [t for t in threading.enumerate() if t.name == "htcds-export-reader"]
    assert not AuditEntry.objects.filter(action="stats.export_htcds").exists()
    # The connection is usable again: the next export runs.
    assert export("json")[1].cases == 6
