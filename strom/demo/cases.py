# ruff: noqa: S311 - a seeded generator: the same demo data on every installation
"""Demo cases for `strom demo`: about fifty synthetic cases in nine countries, in every stage.

Everything goes through the write services, as a case worker in the browser would: the audit log, the
clocks (tasks, some overdue), decisions, reflection periods, stage history, services, consent,
events and notes are all real. Every person is synthetic (strom/demo/synth_names.py); the same
person carries the other spellings of their name, so searching `Yulia Ivanova` finds `Юлия Иванова`.

Most cases belong to the demo organisations that have demo case workers (Riga City Social Services,
Vilnius Women's Shelter, State Police of Latvia). The other countries' organisations get a case
worker and a supervisor of their own here so their cases have owners.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from strom.accounts.models import Membership, User
from strom.audit.actors import DEMO
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.casefile.services import event_record, note_add
from strom.cases.choices import DocumentType, Exploitation, Gender, MigrationStatus, Stage
from strom.cases.models import Case, Person
from strom.cases.services import case_open, identity_document_add, person_create
from strom.consent.services import consent_record
from strom.core.roles import Role
from strom.demo import synth_names
from strom.demo.accounts import DemoUser
from strom.demo.services import demo_accounts_create
from strom.directory.models import Municipality, Organisation
from strom.stages.country_rules import DECISION_MAKER_FOR_ORG_TYPE, rules_for
from strom.stages.models import CaseTask
from strom.stages.services import (
    case_close,
    decision_record,
    follow_up_start,
    return_plan_record,
    stage_change,
    task_complete,
    task_create,
)
from strom.support.services import service_plan, support_plan_save

if TYPE_CHECKING:
    pass

DEMO_CASES_ACTION = "demo.cases"
SEED = 2026

# Organisation (by name in its country) -> how many cases, and the demo accounts that work there.
# Accounts not in the base demo are created here: a case worker and a supervisor (who decides).
CASELOADS: list[tuple[str, str, int]] = [
    ("LV", "Riga City Social Services", 14),
    ("LT", "Vilnius Women's Shelter", 8),
    ("LV", "State Police of Latvia, THB Unit", 6),
    ("EE", "Tallinn Social Welfare Department", 3),
    ("FI", "Helsinki Social Services", 3),
    ("SE", "Malmö Social Services", 2),
    ("NO", "Oslo Welfare Services", 2),
    ("DK", "Copenhagen Social Services", 2),
    ("PL", "Gdańsk Family Support Centre", 3),
    ("DE", "Hamburg Counselling Centre for Trafficked Persons", 3),
]
EXTRA_STAFF: dict[str, list[tuple[str, str, str, Role]]] = {
    "Vilnius Women's Shelter": [
        ("supervisor.vilnius@demo.example", "Gintarė Jankauskienė", "en", Role.SUPERVISOR),
    ],
    "State Police of Latvia, THB Unit": [
        ("supervisor.police@demo.example", "Edgars Liepiņš", "lv", Role.SUPERVISOR),
    ],
    "Tallinn Social Welfare Department": [
        ("caseworker.tallinn@demo.example", "Kadri Tamm", "en", Role.CASE_WORKER),
        ("supervisor.tallinn@demo.example", "Priit Saar", "en", Role.SUPERVISOR),
    ],
    "Helsinki Social Services": [
        ("caseworker.helsinki@demo.example", "Sanna Korhonen", "en", Role.CASE_WORKER),
        ("supervisor.helsinki@demo.example", "Mikko Virtanen", "en", Role.SUPERVISOR),
    ],
    "Malmö Social Services": [
        ("caseworker.malmo@demo.example", "Elin Lindqvist", "en", Role.CASE_WORKER),
        ("supervisor.malmo@demo.example", "Johan Berg", "en", Role.SUPERVISOR),
    ],
    "Oslo Welfare Services": [
        ("caseworker.oslo@demo.example", "Ingrid Haugen", "en", Role.CASE_WORKER),
        ("supervisor.oslo@demo.example", "Lars Johansen", "en", Role.SUPERVISOR),
    ],
    "Copenhagen Social Services": [
        ("caseworker.copenhagen@demo.example", "Mette Nielsen", "en", Role.CASE_WORKER),
        ("supervisor.copenhagen@demo.example", "Søren Jensen", "en", Role.SUPERVISOR),
    ],
    "Gdańsk Family Support Centre": [
        ("caseworker.gdansk@demo.example", "Joanna Wiśniewska", "en", Role.CASE_WORKER),
        ("supervisor.gdansk@demo.example", "Tomasz Kamiński", "en", Role.SUPERVISOR),
    ],
    "Hamburg Counselling Centre for Trafficked Persons": [
        ("caseworker.hamburg@demo.example", "Anna Schneider", "de", Role.CASE_WORKER),
        ("supervisor.hamburg@demo.example", "Jonas Weber", "de", Role.SUPERVISOR),
    ],
}

# The stages cycle so every organisation with three or more cases has cases at different points.
STAGE_CYCLE = [
    Stage.SCREENING,
    Stage.REFLECTION,
    Stage.ASSISTANCE,
    Stage.CLOSED,
    Stage.RETURN_REINTEGRATION,
    Stage.FOLLOW_UP,
    Stage.ASSISTANCE,
    Stage.REFLECTION,
]
NOTES = [
    "First meeting with an interpreter. The person is exhausted and asked for a quiet room.",
    "Accompanied to the clinic; a follow-up visit is booked for next week.",
    "Phone call: the person feels safe in the shelter and wants to continue counselling.",
    "Case conference with the shelter and the legal adviser; next steps agreed.",
    "The person asked about the right to work; information given in their language.",
]
EVENTS = [
    ("Offered a job abroad by an acquaintance; travel paid in advance, to be repaid from wages.",
     ["ThroughOnlineSocialNetworks"]),
    ("Answered an online advertisement for cleaning work; conditions changed on arrival.",
     ["ThroughAnOnlineAdvertisement"]),
    ("Recruited at the workplace with promises of higher wages abroad.", ["AtWork"]),
]  # fmt: skip


@dataclass
class Staff:
    worker: User
    supervisor: User | None


def demo_cases_loaded() -> bool:
    return AuditEntry.objects.filter(action=DEMO_CASES_ACTION).exists()


def _ensure_staff(org: Organisation) -> Staff:
    """The org's demo case worker and supervisor, creating the ones the base demo does not have."""
    extra = [
        DemoUser(email, name, language, org.name, role)
        for email, name, language, role in EXTRA_STAFF.get(org.name, [])
    ]
    demo_accounts_create(extra, {org.name: org})
    members = Membership.objects.filter(
        organisation=org, is_active=True, user__is_active=True
    ).select_related("user")
    workers = [m.user for m in members if m.role == Role.CASE_WORKER]
    supervisors = [m.user for m in members if m.role == Role.SUPERVISOR]
    if not workers and not supervisors:
        raise RuntimeError(f"no demo case worker in {org.name}")
    return Staff(worker=(workers or supervisors)[0], supervisor=supervisors[0] if supervisors else None)


def _person_data(rng: random.Random, index: int, country: str, stage: str) -> dict[str, Any]:
    # The first is the example everyone tries: one person, four spellings, two scripts.
    name = synth_names.make_name("ru", False, 0, 0, 5) if index == 0 else synth_names.random_name(rng)
    child = stage in (Stage.REFLECTION, Stage.ASSISTANCE) and rng.random() < 0.15
    age = rng.randint(15, 17) if child else rng.randint(19, 48)
    uncertain = child and rng.random() < 0.5
    today = timezone.localdate()
    birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 300))
    citizenship = rng.choice(synth_names.CITIZENSHIPS[name.culture])
    if citizenship == country:
        migration = MigrationStatus.NATIONAL
    elif citizenship in ("LV", "LT", "EE", "FI", "PL", "RO", "DE", "SE", "DK"):
        migration = MigrationStatus.EU_CITIZEN
    else:
        migration = rng.choice([MigrationStatus.TCN_IRREGULAR, MigrationStatus.ASYLUM_SEEKER])
    return {
        "given_name": name.given_name,
        "family_name": name.family_name,
        "other_names": "\n".join(name.other_names),
        "gender": Gender.MASCULINE if name.masculine else Gender.FEMININE,
        "birth_date": "" if uncertain else birth.isoformat(),
        "age_estimate": age if uncertain else None,
        "age_uncertain": uncertain,
        "believed_child": uncertain,
        "citizenships": [citizenship],
        "languages": list(synth_names.LANGUAGES[name.culture]),
        "contact": f"+{rng.randint(30, 49)} {rng.randint(20_000_000, 29_999_999)}",
        "migration_status": migration,
    }


def _maker(org: Organisation, kind: str) -> str | None:
    """None when the organisation may take the decision itself; else a body that may (on whose behalf
    the supervisor records it)."""
    rules = rules_for(org.country)
    own = DECISION_MAKER_FOR_ORG_TYPE.get(org.org_type, "Other")
    if rules.may_decide(kind, own):
        return None
    allowed = rules.deciders.get(kind, ())
    return "Police" if "Police" in allowed else (allowed[0] if allowed else "Other")


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.today = timezone.localdate()

    def fresh(self, case: Case) -> Case:
        case.refresh_from_db(fields=["version", "stage", "status", "trafficking_status"])
        return case

    def build(self, org: Organisation, staff: Staff, index: int, stage: str) -> Case:
        rng = self.rng
        worker = staff.worker
        municipality = (
            org.municipality or Municipality.objects.filter(country=org.country).order_by("pk").first()
        )
        assert municipality is not None
        days_open = {
            Stage.SCREENING: rng.randint(1, 14),
            Stage.REFLECTION: rng.randint(20, 45),
            Stage.ASSISTANCE: rng.randint(60, 200),
            Stage.RETURN_REINTEGRATION: rng.randint(150, 300),
            Stage.CLOSED: rng.randint(120, 400),
            Stage.FOLLOW_UP: rng.randint(150, 400),
        }[Stage(stage)]
        opened = timezone.now() - dt.timedelta(days=days_open, hours=rng.randint(0, 8))
        opened_on = timezone.localdate(opened)
        data = _person_data(rng, index, org.country, stage)
        forms: list[str] = [rng.choice([Exploitation.FORCED_LABOUR, Exploitation.SEXUAL_EXPLOITATION])]
        if rng.random() < 0.2:
            forms.append(rng.choice([Exploitation.FORCED_CRIMINALITY, Exploitation.FORCED_BEGGING]))
        # Committed on its own: the case's first clock starts from case_open's on-commit hook.
        with transaction.atomic():
            person: Person = person_create(by=worker, organisation=org, **data)
            if rng.random() < 0.6:
                identity_document_add(
                    by=worker,
                    person=person,
                    doc_type=DocumentType.PASSPORT,
                    number=f"{rng.choice('ABCEHKMP')}{rng.choice('KMPT')}{rng.randint(1_000_000, 9_999_999)}",
                    issuing_country=data["citizenships"][0],
                    held_by_person=rng.random() < 0.6,
                )
            case = case_open(
                by=worker,
                person=person,
                organisation=org,
                municipality=municipality,
                owner=worker,
                forms_of_exploitation=forms,
                opened_at=opened,
            )
        with transaction.atomic():
            self._fill(case, org, staff, stage, data, opened_on)
        return case

    def _fill(
        self,
        case: Case,
        org: Organisation,
        staff: Staff,
        stage: str,
        data: dict[str, Any],
        opened_on: dt.date,
    ) -> None:
        rng = self.rng
        worker = staff.worker
        decider = staff.supervisor or worker
        municipality = case.municipality
        consent_record(
            by=worker,
            case=case,
            purpose="services",
            given=True,
            given_at=opened_on,
            how="interpreter" if data["languages"][0] not in ("lv", "lt", "et", "fi", "pl") else "written",
        )
        if rng.random() < 0.5:
            consent_record(
                by=worker,
                case=case,
                purpose="statistics",
                given=rng.random() < 0.8,
                given_at=opened_on,
                how="written",
            )
        text, methods = rng.choice(EVENTS)
        start = opened_on - dt.timedelta(days=rng.randint(90, 500))
        event_record(
            by=worker,
            case=case,
            event_type="Recruitment",
            country=data["citizenships"][0],
            description=text,
            date_from=start,
            date_from_precision="month",
            recruitment_methods=methods,
        )
        event_record(
            by=worker,
            case=case,
            event_type="Exploitation",
            country=org.country,
            city=municipality.name,
            description="Long hours, wages withheld, documents kept by the employer.",
            date_from=start + dt.timedelta(days=30),
            date_from_precision="month",
            date_to=opened_on - dt.timedelta(days=rng.randint(1, 20)),
            forms_of_exploitation=case.forms_of_exploitation,
            means_of_control=["DebtBondage", "WithholdsDocuments"],
        )
        note_add(by=worker, case=case, body=rng.choice(NOTES))
        self._advance(case, org, worker, decider, stage, opened_on)
        if stage in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION):
            self._catch_up(case, worker)

    def _catch_up(self, case: Case, worker: User) -> None:
        """A worker ticks off the clocks that ran out while the case moved on; a few stay overdue."""
        overdue = CaseTask.objects.filter(
            case=case, done_at__isnull=True, cancelled_at__isnull=True, due_date__lt=self.today
        ).select_related("case")
        for task in overdue.order_by("due_date"):
            if self.rng.random() < 0.8:
                task_complete(by=worker, task=task)

    def _advance(
        self, case: Case, org: Organisation, worker: User, decider: User, stage: str, opened_on: dt.date
    ) -> None:
        """Take the case along the chain to `stage`, each step through its service, as a worker would."""
        rng = self.rng
        if stage == Stage.SCREENING:
            if rng.random() < 0.5:
                task_create(
                    by=worker,
                    case=case,
                    title_key="arrange_interpreter",
                    due_date=self.today + dt.timedelta(days=2),
                )
            return
        if stage == Stage.CLOSED and rng.random() < 0.3:
            self._screened_out(case, org, worker, decider, opened_on)
            return
        rg_day = self._reasonable_grounds(case, org, decider, opened_on)
        services: list[tuple[str, str]] = [
            ("SafeAccommodation", "in_progress"),
            ("Interpretation", "delivered"),
        ]
        if stage == Stage.REFLECTION:
            self._services(case, worker, services, rg_day)
            return
        self._identified(case, org, worker, decider, rg_day, services)
        if stage == Stage.ASSISTANCE:
            if rng.random() < 0.6:
                task_create(
                    by=worker,
                    case=self.fresh(case),
                    title_key=rng.choice(["accompany_appointment", "check_services", "prepare_documents"]),
                    due_date=self.today + dt.timedelta(days=rng.randint(1, 20)),
                )
            return
        self._return_and_close(case, worker, stage)

    def _screened_out(
        self, case: Case, org: Organisation, worker: User, decider: User, opened_on: dt.date
    ) -> None:
        """Reasonable grounds not found: the case closes as not a victim."""
        decision_record(
            by=decider,
            case=self.fresh(case),
            kind="reasonable_grounds",
            outcome="negative",
            decided_at=opened_on + dt.timedelta(days=3),
            version=case.version,
            reason="No indicators of trafficking; referred to general social services.",
            decided_by_org_type=_maker(org, "reasonable_grounds"),
        )
        case_close(by=worker, case=self.fresh(case), version=case.version, closure_reason="NotAVictim")

    def _reasonable_grounds(
        self, case: Case, org: Organisation, decider: User, opened_on: dt.date
    ) -> dt.date:
        """Reasonable grounds found a few days after opening; the reflection period starts that day."""
        rg_day = min(opened_on + dt.timedelta(days=self.rng.randint(2, 6)), self.today)
        decision_record(
            by=decider,
            case=self.fresh(case),
            kind="reasonable_grounds",
            outcome="positive",
            decided_at=rg_day,
            version=case.version,
            reason="Strong indicators: deception about work, debt bondage, documents withheld.",
            decided_by_org_type=_maker(org, "reasonable_grounds"),
            start_reflection=True,
            reflection_start=rg_day,
        )
        return rg_day

    def _identified(
        self,
        case: Case,
        org: Organisation,
        worker: User,
        decider: User,
        rg_day: dt.date,
        services: list[tuple[str, str]],
    ) -> None:
        """Formal identification, assistance with its services, and a support plan."""
        fi_day = min(rg_day + dt.timedelta(days=self.rng.randint(15, 28)), self.today)
        decision_record(
            by=decider,
            case=self.fresh(case),
            kind="formal_identification",
            outcome="positive",
            decided_at=fi_day,
            version=case.version,
            reason="Identified as a victim after the multi-agency review.",
            decided_by_org_type=_maker(org, "formal_identification"),
        )
        stage_change(by=worker, case=self.fresh(case), to_stage=Stage.ASSISTANCE, version=case.version)
        services = [
            *services,
            ("MedicalCare", "delivered"),
            ("PsychologicalHelp", "in_progress"),
            ("LegalAid", "planned"),
        ]
        self._services(case, worker, services, rg_day)
        support_plan_save(
            by=worker,
            case=self.fresh(case),
            version=0,
            start_date=fi_day,
            objectives="Safe accommodation, health, legal counselling, a language course, then work.",
            planned_end_date=fi_day + dt.timedelta(days=180),
        )

    def _return_and_close(self, case: Case, worker: User, stage: str) -> None:
        """A return or reintegration plan (always for that stage, for half the others), then closure."""
        rng = self.rng
        if stage == Stage.RETURN_REINTEGRATION or rng.random() < 0.5:
            kind = rng.choice(["return", "reintegration", "local_integration"])
            person = case.person
            return_plan_record(
                by=worker,
                case=self.fresh(case),
                kind=kind,
                destination_country=person.citizenships[0] if kind == "return" else "",
                risk_assessment_done=True,
                risk_assessment_on=self.today,
                planned_on=self.today + dt.timedelta(days=30),
            )
            stage_change(
                by=worker, case=self.fresh(case), to_stage=Stage.RETURN_REINTEGRATION, version=case.version
            )
            if stage == Stage.RETURN_REINTEGRATION:
                return
        case_close(
            by=worker,
            case=self.fresh(case),
            version=case.version,
            closure_reason=rng.choice(["GoalsAchieved", "ReturnedToCountryOfOrigin", "ReferredElsewhere"]),
            closure_details="Support plan goals reached; contact agreed for follow-up.",
        )
        if stage == Stage.FOLLOW_UP:
            follow_up_start(by=worker, case=self.fresh(case), version=case.version)

    def _services(
        self,
        case: Case,
        worker: User,
        services: list[tuple[str, str]],
        start: dt.date,
    ) -> None:
        for service_type, status in services:
            delivered = status == "delivered"
            began = min(start + dt.timedelta(days=self.rng.randint(0, 5)), self.today)
            service_plan(
                by=worker,
                case=self.fresh(case),
                service_type=service_type,
                status=status,
                provider_organisation=case.organisation if service_type == "SafeAccommodation" else None,
                provider_name="" if service_type == "SafeAccommodation" else "City interpreters' service",
                planned_start=began,
                actual_start=began if status != "planned" else None,
                actual_end=min(began + dt.timedelta(days=3), self.today) if delivered else None,
            )


def demo_cases_load() -> int:
    """Create the demo cases (once; see demo_cases_loaded). Returns how many."""
    rng = random.Random(SEED)
    builder = _Builder(rng)
    created = 0
    index = 0
    for country, org_name, count in CASELOADS:
        org = Organisation.objects.select_related("municipality").get(country=country, name=org_name)
        staff = _ensure_staff(org)
        for _n in range(count):
            builder.build(org, staff, index, STAGE_CYCLE[index % len(STAGE_CYCLE)])
            index += 1
            created += 1
    audit_record(actor=DEMO, action=DEMO_CASES_ACTION, object_type="demo", details={"cases": created})
    return created
