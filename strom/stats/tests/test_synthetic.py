"""The differentially private synthetic extract: its shape, its budget, who may release it, bad input."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strom.audit.actors import STATISTICS
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.stats import dimensions as dims
from strom.stats.ctdc import FIRST_YEAR
from strom.stats.models import Dataset, DatasetKind, Fact
from strom.stats.synthetic import ACTION, synthetic_extract
from strom.stats.tests.helpers import full_case
from tests.personas import Cast

# So large that the discrete Laplace noise (scale 1e-6) is 0 in every cell with certainty:
# the noisy table is then the true one, and the drawing of rows alone can be checked.
EXACT = 1e6


def code(dimension: str, value: str) -> int:
    found = dims.code_of(dims.BY_NAME[dimension], value)
    assert found is not None
    return found


@pytest.fixture
def survey(db: None) -> Dataset:
    """200 synthetic victim records: 120 female and 80 male; 50 children; three years."""
    dataset = Dataset.objects.create(name="survey", kind=DatasetKind.CTDC, rows=200)
    facts = []
    for i in range(200):
        facts.append(
            Fact(
                dataset=dataset,
                year=(2019, 2020, None)[i % 3],
                gender=code("gender", "Feminine" if i < 120 else "Masculine"),
                child=code("child", "Child" if i % 4 == 0 else "Adult"),
                age_ctdc=code("age_ctdc", "9--17" if i % 4 == 0 else "30--38"),
                citizenship_group=code("citizenship_group", ("ReportingCountry", "NonEU")[i % 2]),
                citizenship=("LV", "UA")[i % 2],
                exploitation=[1],
            )
        )
    Fact.objects.bulk_create(facts)
    return dataset


def extract(**kwargs: object) -> tuple[list[dict[str, str]], list[str]]:
    out = io.StringIO()
    synthetic_extract(out, **{"by": STATISTICS, "dataset": "survey", "seed": 1, **kwargs})  # type: ignore[arg-type]
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    return list(reader), list(reader.fieldnames or [])


def releases() -> int:
    return AuditEntry.objects.filter(action=ACTION).count()


def test_the_extract_has_the_requested_columns_and_rows_of_valid_value_names(survey: Dataset) -> None:
    rows, columns = extract(dimensions=["year", "gender", "citizenship", "child"], epsilon=0.5, rows=150)
    assert columns == ["year", "gender", "citizenship", "child"]
    assert len(rows) == 150
    years = {str(y) for y in range(FIRST_YEAR, timezone.localdate().year + 1)} | {dims.UNKNOWN}
    countries = {v.name for v in dims.country_values()} | {dims.UNKNOWN}
    for row in rows:
        assert row["year"] in years
        assert row["gender"] in {*dims.names(dims.BY_NAME["gender"]), dims.UNKNOWN}
        assert row["child"] in {*dims.names(dims.BY_NAME["child"]), dims.UNKNOWN}
        assert row["citizenship"] in countries


def test_without_a_row_count_each_cell_is_repeated_as_often_as_its_noisy_count(
    survey: Dataset, settings: Any
) -> None:
    settings.STROM_STATS_DP_BUDGET = 2 * EXACT
    rows, _columns = extract(dimensions=["gender", "child"], epsilon=EXACT, rows=None)
    assert Counter((r["gender"], r["child"]) for r in rows) == {
        ("Feminine", "Child"): 30,
        ("Feminine", "Adult"): 90,
        ("Masculine", "Child"): 20,
        ("Masculine", "Adult"): 60,
    }


def test_the_release_and_its_privacy_budget_are_recorded_in_the_audit_log(
    survey: Dataset, cast: Cast
) -> None:
    coordinator = cast.users["coordinator_a"]
    out = io.StringIO()
    release = synthetic_extract(
        out, dimensions=["gender", "year"], epsilon=0.75, rows=40, by=coordinator, dataset="survey"
    )
    entry = AuditEntry.objects.get(action=ACTION)
    assert entry.actor_id == coordinator.pk
    assert entry.object_ref == "survey"
    assert entry.details["epsilon"] == pytest.approx(0.75)
    assert entry.details["delta"] == 0
    assert entry.details["dimensions"] == ["gender", "year"]
    assert entry.details["rows"] == 40
    assert "Laplace" in entry.details["mechanism"]
    assert entry.details["library"].startswith("opendp ")
    assert release.audit_seq == entry.seq
    assert release.at == entry.at
    assert release.spent == pytest.approx(0.75)
    assert release.cells == 7 * (timezone.localdate().year - FIRST_YEAR + 2)


def test_a_release_beyond_the_budget_is_refused_and_writes_nothing(survey: Dataset, settings: Any) -> None:
    settings.STROM_STATS_DP_BUDGET = 1.0
    extract(dimensions=["gender", "child"], epsilon=0.6, rows=10)
    out = io.StringIO()
    with pytest.raises(ValidationError, match=r"has 0\.4 left of its privacy budget of 1\."):
        synthetic_extract(
            out, dimensions=["gender", "child"], epsilon=0.6, rows=10, by=STATISTICS, dataset="survey"
        )
    assert out.getvalue() == ""
    assert releases() == 1
    # What is left can still be spent, and another dataset has a budget of its own.
    extract(dimensions=["gender", "child"], epsilon=0.4, rows=10)
    Dataset.objects.create(name="other", kind=DatasetKind.CTDC)
    synthetic_extract(
        io.StringIO(), dimensions=["gender", "child"], epsilon=1.0, rows=5, by=STATISTICS, dataset="other"
    )
    assert releases() == 3


def test_with_a_fixed_seed_the_rows_drawn_are_the_same(survey: Dataset, settings: Any) -> None:
    settings.STROM_STATS_DP_BUDGET = 4 * EXACT
    first, _ = extract(dimensions=["gender", "age_ctdc", "year"], epsilon=EXACT, rows=100, seed=7)
    again, _ = extract(dimensions=["gender", "age_ctdc", "year"], epsilon=EXACT, rows=100, seed=7)
    other, _ = extract(dimensions=["gender", "age_ctdc", "year"], epsilon=EXACT, rows=100, seed=8)
    assert first == again
    assert first != other


def test_the_synthetic_marginal_of_gender_is_close_to_the_true_one(survey: Dataset) -> None:
    rows, _ = extract(dimensions=["gender", "child"], epsilon=1.0, rows=2000, seed=None)
    share = Counter(r["gender"] for r in rows)
    # True shares 0.6 and 0.4. Sampling 2000 rows moves a share by about 0.011 (one standard
    # deviation); the noise on 21 cells at ε = 1 by a few people in 200. 0.1 is far beyond both.
    assert share["Feminine"] / 2000 == pytest.approx(0.6, abs=0.1)
    assert share["Masculine"] / 2000 == pytest.approx(0.4, abs=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dimensions": ["gender", "shoe_size"]}, "There is no dimension shoe_size"),
        ({"dimensions": ["gender", "exploitation"]}, "exploitation can hold several values"),
        ({"dimensions": ["gender"]}, "crosses 2 to 4 dimensions"),
        ({"dimensions": ["gender", "child", "year", "stage", "age_ctdc"]}, "crosses 2 to 4 dimensions"),
        ({"dimensions": ["gender", "gender"]}, "can be used once"),
        ({"dimensions": ["citizenship", "exploitation_country", "year"]}, "at most 500000"),
        ({"epsilon": 0}, "must be a number above 0"),
        ({"epsilon": -1.0}, "must be a number above 0"),
        ({"epsilon": float("nan")}, "must be a number above 0"),
        ({"rows": 0}, "between 1 and"),
        ({"rows": -5}, "between 1 and"),
        ({"dataset": "nosuch"}, "There is no dataset nosuch"),
        ({"dataset": "all"}, "from one dataset"),
    ],
)
def test_bad_requests_are_refused_with_a_reason_and_nothing_is_released(
    survey: Dataset, kwargs: dict[str, object], message: str
) -> None:
    request: dict[str, object] = {
        "dimensions": ["gender", "child"],
        "epsilon": 0.5,
        "rows": 10,
        "by": STATISTICS,
        "dataset": "survey",
        **kwargs,
    }
    out = io.StringIO()
    with pytest.raises(ValidationError, match=message):
        synthetic_extract(out, **request)  # type: ignore[arg-type]
    assert out.getvalue() == ""
    assert releases() == 0


def test_only_the_operator_an_administrator_or_a_coordinator_may_release(survey: Dataset, cast: Cast) -> None:
    request = {"dimensions": ["gender", "child"], "epsilon": 0.1, "rows": 5, "dataset": "survey"}
    for persona in ("analyst_a", "supervisor_a", "caseworker_a", "orgadmin_a", "outsider"):
        out = io.StringIO()
        with pytest.raises(NotAllowed):
            synthetic_extract(out, by=cast.users[persona], **request)  # type: ignore[arg-type]
        assert out.getvalue() == ""
    assert releases() == 0
    for persona in ("sysadmin", "coordinator_a", "coordinator_b"):
        synthetic_extract(io.StringIO(), by=cast.users[persona], **request)  # type: ignore[arg-type]
    assert list(
        AuditEntry.objects.filter(action=ACTION).order_by("seq").values_list("actor_id", flat=True)
    ) == [cast.users[p].pk for p in ("sysadmin", "coordinator_a", "coordinator_b")]


def test_strom_s_own_cases_are_the_default_dataset(cast: Cast, settings: Any) -> None:
    settings.STROM_STATS_DP_BUDGET = 2 * EXACT
    full_case(cast, gender="Feminine")
    full_case(cast, gender="Feminine")
    full_case(cast, gender="Masculine")
    out = io.StringIO()
    release = synthetic_extract(
        out, dimensions=["gender", "citizenship_group"], epsilon=EXACT, rows=None, by=STATISTICS
    )
    assert release.dataset == "strom"
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert Counter(r["gender"] for r in rows) == {"Feminine": 2, "Masculine": 1}
