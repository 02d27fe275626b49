"""The same seed gives the same rows: a fingerprint of a small generated batch, fixed in this file.

The batch is built in memory (no database): every value handed to each table is recorded in order and
hashed per table. Blind indexes are left out, because they depend on the installation's key ring, not
on the seed. A change to the generator that changes what a seed produces changes these fingerprints:
that is then a decision to make on purpose (old seeds no longer give the old data), not an accident.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from strom.crypto.keys import key_ring
from strom.demo.synth import MODEL_LABELS, BatchWriter, CountryInfo, OrgInfo, Plan, Table

KEY_RING_DEPENDENT = {"key", "number_index"}

EXPECTED = {
    "casefile.CaseNote": "157 19aeb504d5d88a90",
    "casefile.TraffickingEvent": "189 a7291a3db4a54e5f",
    "cases.Case": "80 05097be919e34371",
    "cases.IdentityDocument": "50 6ed9fe47b56f8f01",
    "cases.Person": "80 5f84aeefb2a45e71",
    "cases.PersonNameKey": "260 a53028057328ef14",
    "consent.ConsentRecord": "117 bafb2d754736f6df",
    "stages.CaseStageChange": "151 5698ab7712696b81",
    "stages.CaseTask": "281 00fe7f723d5ee687",
    "stages.Decision": "111 2e78b00c4b7dfc1f",
    "stages.Proceeding": "9 99612ec76b1449f7",
    "stages.ReflectionPeriod": "62 b4916fe554ead335",
    "stages.ResidencePermit": "4 c4c37e9f46569144",
    "stages.ReturnPlan": "5 dd4c64d2fd3b61d9",
    "support.Service": "208 b46254d2f4dffa26",
    "support.SupportPlan": "48 b4502eb38b1456c8",
}


def _plan() -> Plan:
    lv = CountryInfo(
        rg_days=10,
        reflection_days=30,
        identification_days=60,
        review_days=90,
        follow_up_days=(30, 180, 365),
        rg_makers=("Police", "NGO"),
        fi_makers=("Police",),
    )
    lt = CountryInfo(
        rg_days=14,
        reflection_days=30,
        identification_days=90,
        review_days=180,
        follow_up_days=(90,),
        rg_makers=("Other",),
        fi_makers=("Police", "Other"),
    )
    orgs = (
        OrgInfo(1, "Municipality", "LV", 11, "RIX", (101, 102, 103), 104),
        OrgInfo(2, "LawEnforcement", "LV", 11, "RIX", (201, 202), 203),
        OrgInfo(3, "NGO", "LT", 12, "VNO", (301,), 302),
    )
    return Plan(
        seed=5,
        batch=80,
        total=80,
        now=dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC),
        orgs=orgs,
        org_weights=(1.0, 0.5, 2.0),
        countries={"LV": lv, "LT": lt},
        providers={"LV": (1, 2), "LT": ()},
        models=MODEL_LABELS,
    )


def fingerprints(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    seen: dict[str, list[str]] = {}

    def record(self: Table, **values: Any) -> None:
        kept = {k: v for k, v in values.items() if k not in KEY_RING_DEPENDENT}
        seen.setdefault(self.model._meta.label, []).append(json.dumps(kept, sort_keys=True, default=str))

    monkeypatch.setattr(Table, "add", record)
    writer = BatchWriter(_plan(), key_ring())
    writer.build(0, 0, 80, list(range(1000, 1080)), list(range(5000, 5080)))
    return {
        label: f"{len(rows)} {hashlib.sha256(chr(10).join(rows).encode()).hexdigest()[:16]}"
        for label, rows in sorted(seen.items())
    }


def test_the_same_seed_gives_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fingerprints(monkeypatch) == EXPECTED
