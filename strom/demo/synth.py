# ruff: noqa: S311 - random.Random with a seed is the point: the same seed gives the same data
"""`strom synth --cases N`: synthetic cases at scale, for performance work. Never in production.

Rows are written straight to PostgreSQL with COPY (the services would audit and validate every row,
which is right for people and far too slow for a million cases). What the services would guarantee,
this module does itself:
- identifying fields are encrypted with the real key ring and the column's context, exactly as
  EncryptedTextField does, and blind indexes (PersonNameKey, IdentityDocument.number_index) are
  computed with the real functions, so search, decryption and key rotation work on synthetic data;
- a case's rows agree with its stage: decisions, the reflection period, stage history, return plans,
  tasks from the clocks (some overdue), `next_due_at`, closure;
- one audit entry records the run ("synth.generate" with the count), not one per row.

Column lists come from the models (`_meta`), so a field added to a model is filled with its default
instead of breaking the load. Same seed and batch size give the same persons, names and cases.

Work is split in batches of `--batch` cases; `--workers` processes each generate their batches and
COPY them in one transaction per batch on their own connection. Person and case ids are taken from
the tables' sequences; case references use the real alphabet with a suffix derived bijectively from
the case id, so two batches never draw the same reference (a clash with a reference the services drew
at random retries the batch with another derivation).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import multiprocessing
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from strom.audit.actors import DEMO
from strom.cases.choices import (
    STAGE_STATUS,
    ChildBasis,
    DocumentType,
    Exploitation,
    Gender,
    MigrationStatus,
    Stage,
    TraffickingStatus,
)
from strom.cases.refs import ALPHABET
from strom.crypto import service as crypto
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.crypto.keys import KeyRing, key_ring
from strom.demo import synth_names

SYNTH_ACTION = "synth.generate"
SYNTH_EMAIL_DOMAIN = "synth.example"
DEFAULT_BATCH = 2000

# How cases are spread over the chain of assistance (a plausible caseload, not statistics).
STAGE_WEIGHTS: list[tuple[str, int]] = [
    (Stage.SCREENING, 12),
    (Stage.REFLECTION, 10),
    (Stage.ASSISTANCE, 30),
    (Stage.RETURN_REINTEGRATION, 8),
    (Stage.CLOSED, 32),
    (Stage.FOLLOW_UP, 8),
]
_STAGES: list[str] = [s for s, _w in STAGE_WEIGHTS]
_STAGE_W = [w for _s, w in STAGE_WEIGHTS]
_ORDER: list[str] = [Stage.SCREENING, Stage.REFLECTION, Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION]

# Synthetic free text: no names, nothing that could be a real person's story.
NOTE_TEXTS = [
    "First meeting at the office with an interpreter. The person is tired and asked for a quiet place.",
    "Accompanied to the medical appointment. Follow-up visit booked.",
    "Phone call: the person feels safer in the shelter and wants to continue with counselling.",
    "Case conference with the shelter and the legal adviser. Next steps agreed.",
    "The person asked about work permits. Information given in their language.",
    "Documents are still held by the employer; legal aid informed.",
    "The person missed the appointment; a new date was offered by text message.",
    "Safety check done. No contact from the recruiters reported.",
    "Material assistance paid for this month. Receipt filed.",
    "The person wishes to stay in the country for now and to think about returning later.",
]
EVENT_TEXTS = [
    "Offered a job abroad through an acquaintance; travel paid, to be repaid from wages.",
    "Travelled by bus with two others; passports collected by the driver.",
    "Worked long hours without pay; housing at the workplace; not allowed to leave alone.",
    "Job advertisement online promising cleaning work; conditions changed on arrival.",
    "Debt for travel and housing grew every month; threats against family at home.",
]
CLOSURE_TEXTS = [
    "Support plan goals reached; the person lives independently.",
    "Returned home with the help of the partner organisation.",
    "Referred to the organisation in the person's new place of residence.",
    "The person no longer wishes to receive support.",
]
SERVICE_TYPES_BY_STAGE = {
    Stage.SCREENING: ["SafeAccommodation", "MaterialAssistance", "Interpretation"],
    "later": [
        "SafeAccommodation",
        "MaterialAssistance",
        "MedicalCare",
        "PsychologicalHelp",
        "CounsellingAndInformation",
        "Interpretation",
        "LegalAid",
        "Education",
        "Livelihood",
    ],
}
FORMS: list[str] = [
    Exploitation.SEXUAL_EXPLOITATION,
    Exploitation.FORCED_LABOUR,
    Exploitation.FORCED_CRIMINALITY,
    Exploitation.FORCED_BEGGING,
    Exploitation.SERVITUDE,
    Exploitation.FORCED_MARRIAGE,
]
FORM_WEIGHTS = [38, 40, 8, 6, 6, 2]
INDUSTRIES = [
    "C_Manufacturing",
    "F_Construction",
    "I_AccommodationAndFoodServiceActivities",
    "A_AgricultureForestryAndFishing",
]
CONTROLS = ["DebtBondage", "WithholdsDocuments", "PhysicalThreats", "TakesEarnings", "PsychologicalAbuse"]
RECRUITMENT = ["ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement", "AtWork"]
MANUAL_TASKS = [
    "contact_person",
    "arrange_interpreter",
    "accompany_appointment",
    "check_services",
    "check_safety",
]
CURRENCY = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "PL": "PLN"}  # the others use the euro


class SynthRefused(Exception):
    pass


# --- the plan handed to each worker -------------------------------------------------------------------


@dataclass(frozen=True)
class OrgInfo:
    id: int
    org_type: str
    country: str
    municipality_id: int
    municipality_code: str
    worker_ids: tuple[int, ...]
    supervisor_id: int


@dataclass(frozen=True)
class CountryInfo:
    rg_days: int
    reflection_days: int
    identification_days: int
    review_days: int
    follow_up_days: tuple[int, ...]
    rg_makers: tuple[str, ...]
    fi_makers: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    seed: int
    batch: int
    total: int
    now: dt.datetime
    orgs: tuple[OrgInfo, ...]
    org_weights: tuple[float, ...]
    countries: dict[str, CountryInfo]
    providers: dict[str, tuple[int, ...]]  # country -> organisations that can provide services
    models: tuple[str, ...] = ()  # labels of the models present in this installation


@dataclass
class Result:
    cases: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    generate_seconds: float = 0.0
    copy_seconds: float = 0.0


# --- rows from model metadata -------------------------------------------------------------------------


class Table:
    """COPY rows for one model: the model's concrete columns, defaults filled, secrets encrypted."""

    def __init__(self, model: type[models.Model], *, with_id: bool, ring: KeyRing, now: dt.datetime) -> None:
        self.model = model
        self.ring = ring
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.makers: list[Callable[[dict[str, Any]], Any]] = [self._maker(f, now) for f in self.fields]
        self.rows: list[list[Any]] = []

    def _maker(self, f: models.Field[Any, Any], now: dt.datetime) -> Callable[[dict[str, Any]], Any]:
        name = f.attname
        missing: Callable[[dict[str, Any]], Any]
        if isinstance(f, BlindIndexField):
            source = f.source

            def blind(values: dict[str, Any]) -> Any:
                if name in values:
                    return values[name]
                return f.compute(values.get(source) or "", ring=self.ring)

            return blind
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            missing = lambda values: now  # noqa: E731
        elif f.default is not NOT_PROVIDED:
            default = f.default
            if callable(default) and default in (list, dict):
                static = default()
                missing = lambda values: static  # noqa: E731
            elif callable(default):
                missing = lambda values: default()  # noqa: E731
            else:
                missing = lambda values: default  # noqa: E731
        elif f.null:
            missing = lambda values: None  # noqa: E731
        elif f.empty_strings_allowed and f.blank:
            missing = lambda values: ""  # noqa: E731
        else:

            def missing(values: dict[str, Any]) -> Any:
                raise KeyError(f"{f.model._meta.label}.{name} has no value and no default")

        if isinstance(f, EncryptedTextField):
            context = f.context()
            ring = self.ring

            def encrypted(values: dict[str, Any]) -> Any:
                value = values[name] if name in values else missing(values)
                if value in (None, ""):
                    return value
                return crypto.encrypt(str(value), context=context, ring=ring)

            return encrypted
        if isinstance(f, models.JSONField):

            def as_json(values: dict[str, Any]) -> Any:
                return json.dumps(values[name] if name in values else missing(values))

            return as_json

        def plain(values: dict[str, Any]) -> Any:
            return values[name] if name in values else missing(values)

        return plain

    def add(self, **values: Any) -> None:
        self.rows.append([make(values) for make in self.makers])

    def copy(self, cursor: Any) -> int:
        if not self.rows:
            return 0
        table = self.model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in self.rows:
                copy.write_row(row)
        return len(self.rows)


# --- references --------------------------------------------------------------------------------------

_MASK = (1 << 25) - 1  # five base32 characters


def _mix(x: int) -> int:
    """A bijection on 25 bits: consecutive ids give unrelated-looking suffixes, never the same one."""
    x &= _MASK
    x = (x * 0x1F3A5C7) & _MASK
    x ^= x >> 12
    x = (x * 0x0B5E2D3) & _MASK
    x ^= x >> 13
    return x


def synthetic_ref(country: str, municipality_code: str, case_id: int, salt: int = 0) -> str:
    x = _mix(case_id + salt * 0x2B3C1)
    suffix = "".join(ALPHABET[(x >> shift) & 31] for shift in (20, 15, 10, 5, 0))
    return f"{country}-{municipality_code}-{suffix}"


# --- names ---------------------------------------------------------------------------------------------


_RING: dict[int, KeyRing] = {}


@lru_cache(maxsize=100_000)
def _spelling_keys(name: str, ring_id: int) -> tuple[tuple[str, str], ...]:
    ring = _RING[ring_id]
    keys = [("word", word) for word in crypto.name_token_indexes(name, ring=ring)]
    full = crypto.name_index(name, ring=ring)
    return ((("full", full),) if full else ()) + tuple(keys)


def name_keys(names: Iterable[str], ring: KeyRing) -> list[tuple[str, str]]:
    """(kind, key) rows exactly as the person services build them (_rebuild_name_keys)."""
    _RING[id(ring)] = ring
    keys: dict[tuple[str, str], None] = {}
    for name in names:
        for key in _spelling_keys(name, id(ring)):
            keys[key] = None
    return list(keys)


# --- one batch -----------------------------------------------------------------------------------------


def _date(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


class BatchWriter:
    """Generates one batch of cases with all their parts into Tables, then COPYs them."""

    def __init__(self, plan: Plan, ring: KeyRing) -> None:
        self.plan = plan
        self.ring = ring
        self.today = plan.now.date()
        self.have = set(plan.models)
        self.org_cum = list(itertools.accumulate(plan.org_weights))

    def _table(self, label: str, *, with_id: bool = False) -> Table | None:
        if label not in self.have:
            return None
        return Table(apps.get_model(label), with_id=with_id, ring=self.ring, now=self.plan.now)

    def build(
        self, batch_no: int, start: int, count: int, person_ids: list[int], case_ids: list[int]
    ) -> dict[str, Table]:
        plan = self.plan
        rng = random.Random(f"strom-synth:{plan.seed}:{plan.batch}:{batch_no}")
        t: dict[str, Table | None] = {
            "person": self._table("cases.person", with_id=True),
            "namekey": self._table("cases.personnamekey"),
            "iddoc": self._table("cases.identitydocument"),
            "case": self._table("cases.case", with_id=True),
            "stage": self._table("stages.casestagechange"),
            "decision": self._table("stages.decision"),
            "reflection": self._table("stages.reflectionperiod"),
            "returnplan": self._table("stages.returnplan"),
            "permit": self._table("stages.residencepermit"),
            "proceeding": self._table("stages.proceeding"),
            "task": self._table("stages.casetask"),
            "event": self._table("casefile.traffickingevent"),
            "note": self._table("casefile.casenote"),
            "plan": self._table("support.supportplan"),
            "service": self._table("support.service"),
            "consent": self._table("consent.consentrecord"),
        }
        for i in range(count):
            self._one(rng, t, person_ids[i], case_ids[i])
        return {k: v for k, v in t.items() if v is not None}

    def _one(self, rng: random.Random, t: dict[str, Table | None], person_id: int, case_id: int) -> None:
        """One case with its person and every part, in steps that draw from `rng` in a fixed order.

        The order of the steps is part of the output: the same seed gives the same data only while every
        step draws the same numbers in the same order (strom/demo/tests/test_synth_fingerprint.py holds it).
        """
        org = rng.choices(self.plan.orgs, cum_weights=self.org_cum)[0]
        rules = self.plan.countries[org.country]
        stage = rng.choices(_STAGES, weights=_STAGE_W)[0]
        owner = rng.choice(org.worker_ids)
        who = _draw_person(rng, org)
        opened, birth, basis = self._opening(rng, who, rules, stage)
        c = _CaseStart(person_id, case_id, org, rules, stage, owner, who, opened, birth, basis)
        self._add_person(rng, t, c)
        chain = self._chain(rng, c)
        self._add_case(rng, t, c, chain)
        self._add_decisions(rng, t, c, chain)
        self._add_plans_and_tasks(rng, t, c, chain)
        self._add_proceedings(rng, t, c, chain)
        self._add_case_file(rng, t, c, chain)
        self._add_services(rng, t, c, chain)
        self._add_support_plan_and_consent(rng, t, c, chain)

    # --- the person

    def _opening(
        self, rng: random.Random, who: _Person, rules: CountryInfo, stage: str
    ) -> tuple[dt.datetime, dt.date | None, str]:
        """When the case opened (how long ago depends on its stage), the birth date and the child basis."""
        span: tuple[int, int] = {
            # Most open clocks are still running; a few have run out (the overdue view needs some).
            Stage.SCREENING: (0, rules.rg_days + 4),
            Stage.REFLECTION: (rules.rg_days + 2, rules.rg_days + rules.reflection_days + 8),
            Stage.ASSISTANCE: (45, 900),
            Stage.RETURN_REINTEGRATION: (120, 1200),
            Stage.CLOSED: (120, 1800),
            Stage.FOLLOW_UP: (120, 900),
        }[Stage(stage)]
        opened = self.plan.now - dt.timedelta(days=rng.randint(*span), seconds=rng.randint(0, 86_399))
        birth: dt.date | None = None
        if not who.age_uncertain:
            birth = _date(opened) - dt.timedelta(days=who.age * 365 + rng.randint(0, 364))
        child = who.age < 18
        basis = ChildBasis.NOT_CHILD
        if child and not who.age_uncertain:
            basis = ChildBasis.AGE
        elif who.age_uncertain and (child or rng.random() < 0.05):
            basis = ChildBasis.PRESUMED
        return opened, birth, basis

    def _add_person(self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart) -> None:
        """The person row, the blind-index keys of every spelling of the name, and maybe a document."""
        who, name = c.who, c.who.name
        t_person = t["person"]
        assert t_person is not None
        t_person.add(
            id=c.person_id,
            organisation_id=c.org.id,
            given_name=name.given_name,
            family_name=name.family_name,
            other_names="\n".join(name.other_names),
            gender=who.gender,
            birth_date=c.birth.isoformat() if c.birth else "",
            age_estimate=who.age if who.age_uncertain else None,
            age_uncertain=who.age_uncertain,
            believed_child=c.basis == ChildBasis.PRESUMED and not who.age < 18,
            citizenships=[who.citizenship],
            languages=list(synth_names.LANGUAGES[name.culture]),
            contact=f"+{rng.randint(30, 49)} {rng.randint(20_000_000, 29_999_999)}"
            if rng.random() < 0.7
            else "",
            address=f"Shelter room {rng.randint(1, 40)}" if rng.random() < 0.4 else "",
            migration_status=who.migration,
            created_at=c.opened,
            updated_at=c.opened,
        )
        if t["namekey"] is not None:
            names = (f"{name.given_name} {name.family_name}", *name.other_names)
            for kind, key in name_keys(names, self.ring):
                t["namekey"].add(person_id=c.person_id, kind=kind, key=key)
        if t["iddoc"] is not None and rng.random() < 0.6:
            number = (
                f"{rng.choice('ABCEHKMPTX')}{rng.choice('ABCEHKMPTX')}{rng.randint(1_000_000, 9_999_999)}"
            )
            t["iddoc"].add(
                person_id=c.person_id,
                doc_type=DocumentType.PASSPORT if rng.random() < 0.7 else DocumentType.ID_CARD,
                number=number,
                number_index=crypto.blind_index(number, kind="document", ring=self.ring),
                issuing_country=who.citizenship,
                expiry_date=c.day + dt.timedelta(days=rng.randint(-400, 3000)),
                held_by_person=rng.random() < 0.7,
                created_at=c.opened,
            )

    # --- the chain of assistance

    def _chain(self, rng: random.Random, c: _CaseStart) -> _Chain:
        """Where the case went along the chain: decisions, stage changes, clock tasks and the closure."""
        forms = sorted(set(rng.choices(FORMS, weights=FORM_WEIGHTS, k=1 if rng.random() < 0.85 else 2)))
        chain = _Chain(rng=rng, today=self.today, cursor_day=c.day, forms=forms)
        # Closed cases stopped somewhere along the chain; follow-up cases were closed first.
        stop_at = c.stage
        if c.stage in _ENDED:
            stop_at = rng.choices(_ORDER, weights=[15, 10, 55, 20])[0]
        path = _ORDER[: _ORDER.index(stop_at) + 1]
        if Stage.REFLECTION in path:
            self._identified(chain, c, path)
        elif c.stage == Stage.SCREENING:
            chain.tasks.append({"kind": "rg_due", "due": c.day + dt.timedelta(days=c.rules.rg_days)})
        elif rng.random() < 0.6:
            chain.decisions.append(("reasonable_grounds", "negative", chain.step(1, c.rules.rg_days + 3)))
            chain.trafficking = TraffickingStatus.NOT_A_VICTIM
        if chain.reached in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION) and c.stage not in _ENDED:
            due = self.today + dt.timedelta(days=rng.randint(-10, c.rules.review_days))
            chain.tasks.append({"kind": "plan_review", "due": due})
        if c.stage in _ENDED:
            self._closed(chain, c)
        if c.stage not in _ENDED and rng.random() < 0.35:
            chain.tasks.append(
                {
                    "kind": "manual",
                    "key": rng.choice(MANUAL_TASKS),
                    "due": self.today + dt.timedelta(days=rng.randint(-7, 30)),
                }
            )
        return chain

    def _identified(self, chain: _Chain, c: _CaseStart, path: list[str]) -> None:
        """Positive reasonable grounds, then (further along the path) formal identification and return."""
        rules = c.rules
        rg_day = chain.step(1, max(2, rules.rg_days + 3))
        chain.decisions.append(("reasonable_grounds", "positive", rg_day))
        chain.done_task("rg_due", c.day + dt.timedelta(days=rules.rg_days), rg_day)
        ends = rg_day + dt.timedelta(days=rules.reflection_days - 1)
        identification_due = rg_day + dt.timedelta(days=rules.identification_days)
        chain.reflection = (rg_day, ends)
        chain.changes.append((Stage.SCREENING, Stage.REFLECTION, _at(rg_day)))
        chain.reached = Stage.REFLECTION
        chain.trafficking = TraffickingStatus.POSSIBLE
        if Stage.ASSISTANCE not in path:
            chain.tasks.append({"kind": "reflection_ends", "due": ends})
            chain.tasks.append({"kind": "identification_due", "due": identification_due})
            return
        fi_day = chain.step(5, rules.reflection_days + 20)
        chain.decisions.append(("formal_identification", "positive", fi_day))
        chain.done_task("reflection_ends", ends, max(ends, fi_day))
        chain.done_task("identification_due", identification_due, fi_day)
        chain.changes.append((Stage.REFLECTION, Stage.ASSISTANCE, _at(fi_day)))
        chain.reached = Stage.ASSISTANCE
        chain.trafficking = TraffickingStatus.ACTUAL
        if Stage.RETURN_REINTEGRATION in path:
            ret_day = chain.step(30, 300)
            chain.changes.append((Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION, _at(ret_day)))
            chain.reached = Stage.RETURN_REINTEGRATION

    def _closed(self, chain: _Chain, c: _CaseStart) -> None:
        """The closure: running clocks stop, follow-up contacts are due (done, open or cancelled)."""
        rng = chain.rng
        close_day = chain.step(10, 400)
        closed_at = max(_at(close_day), c.opened)
        chain.closed_at = closed_at
        chain.closure = rng.choice(
            ["GoalsAchieved", "ReturnedToCountryOfOrigin", "ReferredElsewhere", "NoLongerWantsSupport",
             "LostContact"]
            if chain.trafficking != TraffickingStatus.NOT_A_VICTIM
            else ["NotAVictim"]
        )  # fmt: skip
        chain.changes.append((chain.reached, Stage.CLOSED, closed_at))
        for task in chain.tasks:  # the active clocks stop when the case closes
            if "done" not in task:
                task["cancelled"] = closed_at
        follow_up_days = c.rules.follow_up_days
        for n, days in enumerate(follow_up_days, start=1):
            due = close_day + dt.timedelta(days=days)
            task = {
                "kind": "follow_up_contact",
                "due": due,
                "params": {"number": n, "total": len(follow_up_days)},
            }
            if c.stage == Stage.FOLLOW_UP and due >= self.today - dt.timedelta(days=20):
                pass  # still to do
            elif due < self.today:
                task["done"] = due
            else:
                task["cancelled"] = closed_at
            chain.tasks.append(task)
        if c.stage == Stage.FOLLOW_UP:
            chain.changes.append((Stage.CLOSED, Stage.FOLLOW_UP, closed_at + dt.timedelta(minutes=5)))

    # --- the case and the rows of its stages

    def _add_case(self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain) -> None:
        open_due = [task["due"] for task in chain.tasks if "done" not in task and "cancelled" not in task]
        t_case = t["case"]
        assert t_case is not None
        t_case.add(
            id=c.case_id,
            ref=synthetic_ref(c.org.country, c.org.municipality_code, c.case_id),
            person_id=c.person_id,
            organisation_id=c.org.id,
            municipality_id=c.org.municipality_id,
            country=c.org.country,
            owner_id=c.owner,
            stage=c.stage,
            status=STAGE_STATUS[c.stage],
            trafficking_status=chain.trafficking,
            forms_of_exploitation=chain.forms,
            child_basis=c.basis,
            is_child=c.basis != ChildBasis.NOT_CHILD,
            age_at_opening=c.who.age,
            opened_at=c.opened,
            closed_at=chain.closed_at,
            closure_reason=chain.closure,
            closure_details=rng.choice(CLOSURE_TEXTS) if chain.closure else "",
            next_due_at=min(open_due) if open_due else None,
            created_by_id=c.owner,
            updated_at=max([c.opened, *(change[2] for change in chain.changes)]),
        )

    def _add_decisions(
        self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain
    ) -> None:
        """Stage history, decisions (by an organisation type the country's rules name) and reflection."""
        if t["stage"] is not None:
            for frm, to, at in chain.changes:
                t["stage"].add(
                    case_id=c.case_id, from_stage=frm, to_stage=to, at=at, by_id=c.owner, reason=""
                )
        if t["decision"] is not None:
            for kind, outcome, when in chain.decisions:
                makers = c.rules.rg_makers if kind == "reasonable_grounds" else c.rules.fi_makers
                maker = rng.choice(makers)
                t["decision"].add(
                    case_id=c.case_id,
                    kind=kind,
                    outcome=outcome,
                    decided_by_org_type=maker,
                    decided_by_id=c.owner if maker == _MAKER.get(c.org.org_type) else None,
                    recorded_by_id=c.owner,
                    decided_at=when,
                    reason="Indicators of forced labour and debt bondage confirmed in interview."
                    if outcome == "positive"
                    else "No indicators of exploitation found.",
                    created_at=_at(when),
                )
        if chain.reflection and t["reflection"] is not None:
            t["reflection"].add(
                case_id=c.case_id,
                starts_on=chain.reflection[0],
                base_days=c.rules.reflection_days,
                extension_days=0,
                ends_on=chain.reflection[1],
                created_at=_at(chain.reflection[0]),
            )

    def _add_plans_and_tasks(
        self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain
    ) -> None:
        """The return plan of a case in return or reintegration, and the clocks' and manual tasks."""
        if chain.reached == Stage.RETURN_REINTEGRATION and t["returnplan"] is not None:
            kind = rng.choice(["return", "reintegration", "local_integration"])
            t["returnplan"].add(
                case_id=c.case_id,
                kind=kind,
                destination_country=c.who.citizenship if kind == "return" else "",
                risk_assessment_done=True,
                risk_assessment_on=chain.cursor_day,
                planned_on=chain.cursor_day + dt.timedelta(days=30),
                created_by_id=c.owner,
                created_at=_at(chain.cursor_day),
            )
        if t["task"] is not None:
            for task in chain.tasks:
                done = task.get("done")
                t["task"].add(
                    case_id=c.case_id,
                    kind=task["kind"],
                    title_key=task.get("key", task["kind"]),
                    title_params=task.get("params", {}),
                    source="",
                    due_date=task["due"],
                    assignee_id=c.owner,
                    created_by_id=None if task["kind"] != "manual" else c.owner,
                    created_at=c.opened,
                    done_at=_at(done) if done else None,
                    done_by_id=c.owner if done else None,
                    cancelled_at=task.get("cancelled"),
                )

    def _add_proceedings(
        self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain
    ) -> None:
        """Sometimes a criminal proceeding; a residence permit for an identified irregular migrant."""
        if chain.reached != Stage.SCREENING and t["proceeding"] is not None and rng.random() < 0.15:
            t["proceeding"].add(
                case_id=c.case_id,
                kind="criminal",
                role=rng.choice(["victim", "witness", "injured_party"]),
                compensation_claimed=rng.random() < 0.4,
                status="ongoing",
                authority="District court",
                created_by_id=c.owner,
                created_at=c.opened,
            )
        if (
            chain.reached in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION)
            and c.who.migration == MigrationStatus.TCN_IRREGULAR
            and t["permit"] is not None
        ):
            applied = c.day + dt.timedelta(days=rng.randint(20, 60))
            if applied < self.today - dt.timedelta(days=40):
                valid_from = applied + dt.timedelta(days=30)
                t["permit"].add(
                    case_id=c.case_id,
                    basis=["personal_situation"],
                    applied_on=applied,
                    decision="granted",
                    decided_on=valid_from,
                    valid_from=valid_from,
                    valid_until=valid_from + dt.timedelta(days=365),
                    created_by_id=c.owner,
                    created_at=_at(applied),
                )

    # --- the case file, support and consent

    def _add_case_file(
        self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain
    ) -> None:
        """Trafficking events (recruitment, maybe transit, exploitation) and a few notes."""
        forms = chain.forms
        if t["event"] is not None:
            kinds = (
                ["Recruitment", "Exploitation"]
                if rng.random() < 0.6
                else ["Recruitment", "Transit", "Exploitation"]
            )
            start = c.day - dt.timedelta(days=rng.randint(60, 900))
            for kind in kinds:
                start += dt.timedelta(days=rng.randint(0, 40))
                is_exploitation = kind == "Exploitation"
                t["event"].add(
                    case_id=c.case_id,
                    event_type=kind,
                    country=c.org.country if is_exploitation else c.who.citizenship,
                    city="",
                    description=rng.choice(EVENT_TEXTS),
                    date_from=start,
                    date_from_precision="month",
                    date_to=start + dt.timedelta(days=rng.randint(30, 300)) if is_exploitation else None,
                    forms_of_exploitation=forms if is_exploitation else [],
                    industry=rng.choice(INDUSTRIES) if is_exploitation and "ForcedLabour" in forms else "",
                    means_of_control=rng.sample(CONTROLS, k=2) if is_exploitation else [],
                    recruitment_methods=[rng.choice(RECRUITMENT)] if kind == "Recruitment" else [],
                    created_by_id=c.owner,
                    created_at=c.opened,
                )
        if t["note"] is not None:
            for _n in range(rng.randint(1, 3)):
                t["note"].add(
                    case_id=c.case_id,
                    body=rng.choice(NOTE_TEXTS),
                    author_id=c.owner,
                    restricted=rng.random() < 0.05,
                    created_at=c.opened + dt.timedelta(days=rng.randint(0, 30)),
                )

    def _add_services(
        self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain
    ) -> None:
        """Services of the support plan: few while screening, more later; delivered when long enough ago."""
        if t["service"] is None:
            return
        screening = chain.reached == Stage.SCREENING
        pool = SERVICE_TYPES_BY_STAGE[Stage.SCREENING] if screening else SERVICE_TYPES_BY_STAGE["later"]
        n = rng.randint(0, 1) if screening else rng.randint(2, 4)
        providers = self.plan.providers.get(c.org.country, ())
        for service_type in rng.sample(pool, k=min(n, len(pool))):
            start_day = c.day + dt.timedelta(days=rng.randint(0, 20))
            delivered = start_day < self.today - dt.timedelta(days=30)
            t["service"].add(
                case_id=c.case_id,
                service_type=service_type,
                status="delivered" if delivered else rng.choice(["planned", "in_progress"]),
                provider_organisation_id=(
                    rng.choice(providers) if providers and rng.random() < 0.7 else None
                ),
                provider_name="" if providers else "Local provider",
                planned_start=start_day,
                planned_end=start_day + dt.timedelta(days=30),
                actual_start=start_day if delivered else None,
                actual_end=start_day + dt.timedelta(days=28) if delivered else None,
                cost=round(rng.uniform(20, 900), 2) if rng.random() < 0.5 else None,
                currency=CURRENCY.get(c.org.country, "EUR"),
                notes="",
                created_by_id=c.owner,
                created_at=c.opened,
                delivered_recorded_at=_at(start_day + dt.timedelta(days=28)) if delivered else None,
            )

    def _add_support_plan_and_consent(
        self, rng: random.Random, t: dict[str, Table | None], c: _CaseStart, chain: _Chain
    ) -> None:
        """The support plan of an identified person; consent to services, sometimes to statistics."""
        if chain.reached in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION) and t["plan"] is not None:
            t["plan"].add(
                case_id=c.case_id,
                start_date=chain.cursor_day,
                objectives="Safe accommodation, health check, legal counselling, language course.",
                action_plan="",
                planned_end_date=chain.cursor_day + dt.timedelta(days=180),
                next_review_due=chain.cursor_day + dt.timedelta(days=c.rules.review_days),
                updated_by_id=c.owner,
                created_at=_at(chain.cursor_day),
            )
        if t["consent"] is None:
            return
        for_child = c.basis != ChildBasis.NOT_CHILD
        t["consent"].add(
            person_id=c.person_id,
            case_id=c.case_id,
            purpose="services",
            given=True,
            given_at=c.day,
            how="interpreter" if c.who.name.culture in ("vn", "ng", "ro") else "written",
            for_child=for_child,
            recorded_by_id=c.owner,
            recorded_at=c.opened,
        )
        if rng.random() < 0.5:
            t["consent"].add(
                person_id=c.person_id,
                case_id=None,
                purpose="statistics",
                given=rng.random() < 0.8,
                given_at=c.day,
                how="written",
                for_child=for_child,
                recorded_by_id=c.owner,
                recorded_at=c.opened,
            )


_ENDED = (Stage.CLOSED, Stage.FOLLOW_UP)


@dataclass(frozen=True)
class _Person:
    """Who the synthetic person is; drawn first, as the rest of the case follows from it."""

    name: synth_names.SyntheticName
    gender: str
    age: int
    age_uncertain: bool
    citizenship: str
    migration: str


def _draw_person(rng: random.Random, org: OrgInfo) -> _Person:
    name = synth_names.random_name(rng)
    gender = Gender.MASCULINE if name.masculine else Gender.FEMININE
    if rng.random() < 0.02:
        gender = rng.choice([Gender.TRANSGENDER_FEMININE, Gender.NON_CONFORMING, Gender.UNKNOWN])
    age = rng.choices([rng.randint(12, 17), rng.randint(18, 29), rng.randint(30, 55)], weights=[12, 55, 33])[
        0
    ]
    age_uncertain = rng.random() < 0.12
    citizenship = rng.choice(synth_names.CITIZENSHIPS[name.culture])
    if citizenship == org.country:
        migration = MigrationStatus.NATIONAL
    elif citizenship in ("LV", "LT", "EE", "FI", "SE", "DK", "PL", "DE", "RO"):
        migration = MigrationStatus.EU_CITIZEN
    else:
        migration = rng.choice(
            [MigrationStatus.TCN_IRREGULAR, MigrationStatus.TCN_RESIDENT, MigrationStatus.ASYLUM_SEEKER]
        )
    return _Person(name, gender, age, age_uncertain, citizenship, migration)


@dataclass(frozen=True)
class _CaseStart:
    """What is fixed before the chain of assistance is drawn: the person, the place, the opening."""

    person_id: int
    case_id: int
    org: OrgInfo
    rules: CountryInfo
    stage: str
    owner: int
    who: _Person
    opened: dt.datetime
    birth: dt.date | None
    basis: str

    @property
    def day(self) -> dt.date:
        return _date(self.opened)


@dataclass
class _Chain:
    """The case's way along the chain of assistance, drawn step by step from the case's opening day."""

    rng: random.Random
    today: dt.date
    cursor_day: dt.date
    forms: list[str]
    changes: list[tuple[str, str, dt.datetime]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[tuple[str, str, dt.date]] = field(default_factory=list)
    trafficking: str = TraffickingStatus.POSSIBLE
    closed_at: dt.datetime | None = None
    closure: str = ""
    reached: str = Stage.SCREENING
    reflection: tuple[dt.date, dt.date] | None = None

    def step(self, days_lo: int, days_hi: int) -> dt.date:
        """The next day something happens: some days on, never after today."""
        self.cursor_day = min(
            self.cursor_day + dt.timedelta(days=self.rng.randint(days_lo, days_hi)), self.today
        )
        return self.cursor_day

    def done_task(self, kind: str, due: dt.date, done: dt.date) -> None:
        self.tasks.append({"kind": kind, "due": due, "done": min(done, self.today)})


_MAKER = {"LawEnforcement": "Police", "NGO": "NGO", "Shelter": "NGO", "Hotline": "NGO"}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)


# --- the worker -----------------------------------------------------------------------------------------

_PLAN: Plan | None = None


def _sequence_ids(cursor: Any, table: str, count: int) -> list[int]:
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
    )
    return [row[0] for row in cursor.fetchall()]


def write_batch(plan: Plan, batch_no: int) -> Result:
    """Generate and COPY one batch in one transaction; retry with other references on a clash.

    The one place the synthetic cases are written, straight to the tables and past the services, for
    speed (see the module's docstring for what is done here in their place).
    """
    from psycopg import errors

    start = batch_no * plan.batch
    count = min(plan.batch, plan.total - start)
    ring = key_ring()
    writer = BatchWriter(plan, ring)
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    result = Result(cases=count)
    with raw.cursor() as cursor:
        # Losing the last batches in a crash costs nothing here: they are synthetic and re-made.
        cursor.execute("SET synchronous_commit = off")
        person_ids = _sequence_ids(cursor, "cases_person", count)
        case_ids = _sequence_ids(cursor, "cases_case", count)
    began = time.monotonic()
    tables = writer.build(batch_no, start, count, person_ids, case_ids)
    result.generate_seconds = time.monotonic() - began
    began = time.monotonic()
    order = ["person", "namekey", "iddoc", "case", "stage", "decision", "reflection", "returnplan", "permit",
             "proceeding", "task", "event", "note", "plan", "service", "consent"]  # fmt: skip
    for salt in range(1, 6):
        try:
            with raw.transaction(), raw.cursor() as cursor:
                for key in order:
                    if key in tables:
                        result.rows[tables[key].model._meta.label] = tables[key].copy(cursor)
            result.copy_seconds = time.monotonic() - began
            return result
        except errors.UniqueViolation:
            # A reference the services drew at random is taken by one of ours: derive others.
            result.retries += 1
            case_table = tables["case"]
            ref_at = case_table.columns.index("ref")
            id_at = case_table.columns.index("id")
            org_at = case_table.columns.index("country")
            muni = {o.municipality_id: o.municipality_code for o in plan.orgs}
            muni_at = case_table.columns.index("municipality_id")
            for row in case_table.rows:
                row[ref_at] = synthetic_ref(row[org_at], muni[row[muni_at]], row[id_at], salt)
    raise RuntimeError(f"batch {batch_no}: could not find free case references")


def _worker_init(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan


def _worker_batch(batch_no: int) -> Result:
    assert _PLAN is not None
    return write_batch(_PLAN, batch_no)


# --- setting up organisations and users -------------------------------------------------------------


def ensure_organisations(org_count: int, *, users_per_org: int = 3) -> list[OrgInfo]:
    """Synthetic organisations in the demo municipalities, each with case workers and a supervisor.

    Written with bulk_create, not through the directory and account services: a performance run wants
    hundreds of staff accounts in one go, and they exist only to own the synthetic cases. Like the cases
    (write_batch), they are recorded by the one `synth.generate` audit entry of the run, which holds
    counts and the seed, nothing about a person.
    """
    from django.contrib.auth.hashers import make_password

    from strom.accounts.models import Membership, User
    from strom.core.roles import OrgType, Role
    from strom.directory.models import Municipality, Organisation

    municipalities = list(Municipality.objects.order_by("country", "code"))
    if not municipalities:
        raise SynthRefused("No municipalities: run `strom demo` first (it creates one in each country).")
    kinds = [OrgType.MUNICIPALITY, OrgType.NGO, OrgType.SHELTER, OrgType.LAW_ENFORCEMENT]
    wanted = []
    for n in range(org_count):
        place = municipalities[n % len(municipalities)]
        kind = kinds[(n // len(municipalities)) % len(kinds)]
        wanted.append((f"Synthetic {kind.label} {n + 1:04d} ({place.name})", kind, place))
    existing = {
        (o.country, o.name): o
        for o in Organisation.objects.filter(name__startswith="Synthetic ", name__in=[w[0] for w in wanted])
    }
    new = [
        Organisation(name=name, org_type=kind, country=place.country, municipality=place)
        for name, kind, place in wanted
        if (place.country, name) not in existing
    ]
    Organisation.objects.bulk_create(new)
    orgs = list(
        Organisation.objects.filter(name__in=[w[0] for w in wanted])
        .select_related("municipality")
        .order_by("id")
    )
    password = make_password(None)  # unusable: benchmark sessions are made directly
    emails = []
    for org in orgs:
        emails += [f"synth-{org.pk}-worker{k}@{SYNTH_EMAIL_DOMAIN}" for k in range(1, users_per_org + 1)]
        emails.append(f"synth-{org.pk}-supervisor@{SYNTH_EMAIL_DOMAIN}")
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=e, password=password, full_name=_user_name(e), language="en")
            for e in emails
            if e not in have
        ]
    )
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    member = set(Membership.objects.filter(user__in=users.values()).values_list("user_id", "organisation_id"))
    memberships = []
    result = []
    for org in orgs:
        workers = [
            users[f"synth-{org.pk}-worker{k}@{SYNTH_EMAIL_DOMAIN}"] for k in range(1, users_per_org + 1)
        ]
        supervisor = users[f"synth-{org.pk}-supervisor@{SYNTH_EMAIL_DOMAIN}"]
        for user, role in [*((w, Role.CASE_WORKER) for w in workers), (supervisor, Role.SUPERVISOR)]:
            if (user.pk, org.pk) not in member:
                memberships.append(Membership(user=user, organisation=org, role=role))
        assert org.municipality is not None
        result.append(
            OrgInfo(
                id=org.pk,
                org_type=org.org_type,
                country=org.country,
                municipality_id=org.municipality.pk,
                municipality_code=org.municipality.code,
                worker_ids=tuple(w.pk for w in workers),
                supervisor_id=supervisor.pk,
            )
        )
    Membership.objects.bulk_create(memberships)
    return result


def _user_name(email: str) -> str:
    local = email.split("@")[0]
    return "Synthetic " + local.replace("synth-", "user ").replace("-", " ")


def _countries(codes: Iterable[str]) -> dict[str, CountryInfo]:
    from strom.stages.country_rules import rules_for

    result = {}
    for code in set(codes):
        rules = rules_for(code)
        # Synthetic histories count in days; a period in months is taken as it runs from today.
        today = dt.date.today()
        result[code] = CountryInfo(
            rg_days=rules.reasonable_grounds_due.days_after(today),
            reflection_days=rules.reflection.days_from(today),
            identification_days=rules.formal_identification_due.days_after(today),
            review_days=rules.support_plan_review.days_after(today),
            follow_up_days=tuple(p.days_after(today) for p in rules.follow_up),
            rg_makers=tuple(rules.deciders.get("reasonable_grounds", ("Other",))) or ("Other",),
            fi_makers=tuple(rules.deciders.get("formal_identification", ("Other",))) or ("Other",),
        )
    return result


MODEL_LABELS = (
    "cases.person", "cases.personnamekey", "cases.identitydocument", "cases.case", "stages.casestagechange",
    "stages.decision", "stages.reflectionperiod", "stages.returnplan", "stages.residencepermit",
    "stages.proceeding", "stages.casetask", "casefile.traffickingevent", "casefile.casenote",
    "support.supportplan", "support.service", "consent.consentrecord",
)  # fmt: skip


def installed_models() -> tuple[str, ...]:
    present = []
    for label in MODEL_LABELS:
        try:
            apps.get_model(label)
        except LookupError:
            continue
        present.append(label)
    return tuple(present)


def make_plan(*, cases: int, seed: int, batch: int, org_count: int) -> Plan:
    from strom.directory.models import Organisation

    orgs = ensure_organisations(org_count)
    weights_rng = random.Random(f"strom-synth-orgs:{seed}")
    providers: dict[str, list[int]] = {}
    for pk, country in Organisation.objects.filter(is_active=True).values_list("pk", "country"):
        providers.setdefault(country, []).append(pk)
    return Plan(
        seed=seed,
        batch=batch,
        total=cases,
        now=timezone.now().replace(microsecond=0),
        orgs=tuple(orgs),
        # Some organisations carry far more cases than others, as in life.
        org_weights=tuple(weights_rng.uniform(0.3, 3.0) for _ in orgs),
        countries=_countries(o.country for o in orgs),
        providers={k: tuple(v[:20]) for k, v in providers.items()},
        models=installed_models(),
    )


def synth_generate(
    *,
    cases: int,
    seed: int = 1,
    workers: int = 2,
    batch: int = DEFAULT_BATCH,
    org_count: int = 60,
    progress: Callable[[int, Result], None] | None = None,
) -> Result:
    """Create `cases` synthetic cases with everything that hangs off them. Refused in production."""
    from strom.audit.services import audit_record

    if settings.STROM_ENV == "production":
        raise SynthRefused("Synthetic data is never generated in production (STROM_ENV=production).")
    if cases < 1 or batch < 1 or workers < 1 or org_count < 1:
        raise SynthRefused("--cases, --batch, --workers and --org-count must be positive.")
    plan = make_plan(cases=cases, seed=seed, batch=batch, org_count=org_count)
    batches = list(range((cases + batch - 1) // batch))
    total = Result()
    if workers == 1 or len(batches) == 1:
        for _r in _consume((write_batch(plan, b) for b in batches), total, progress):
            pass
    else:
        # Forked workers must not share the parent's socket to PostgreSQL: close it first.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_init, initargs=(plan,)) as pool:
            for _r in _consume(pool.imap_unordered(_worker_batch, batches), total, progress):
                pass
    # Statistics for the planner, and the visibility map set so index-only scans need no heap visits
    # (the name-key lookups of a search). Autovacuum would get there too, later.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"  # VACUUM needs autocommit
    with connection.cursor() as cursor:
        for label in plan.models:
            cursor.execute(f'{command} "{apps.get_model(label)._meta.db_table}"')
    audit_record(
        actor=DEMO,
        action=SYNTH_ACTION,
        object_type="synth",
        details={"cases": total.cases, "seed": seed, "batch": batch, "rows": sum(total.rows.values())},
    )
    return total


def _consume(
    results: Iterable[Result], total: Result, progress: Callable[[int, Result], None] | None
) -> Iterator[Result]:
    for result in results:
        total.cases += result.cases
        total.retries += result.retries
        total.generate_seconds += result.generate_seconds
        total.copy_seconds += result.copy_seconds
        for label, n in result.rows.items():
            total.rows[label] = total.rows.get(label, 0) + n
        if progress:
            progress(total.cases, total)
        yield result
