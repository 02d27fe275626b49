"""/api/v1/stats: the same disclosure-controlled tables as the statistics page, and what they are built from.

No operation here returns a fact or a case: only tables after disclosure control, the dimension
registry and the list of datasets.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from strom.api.auth import api_user
from strom.stats.access import check_stats_allowed
from strom.stats.engine import Spec, parse_by, parse_datasets, parse_filter
from strom.stats.exchange import exchange_document
from strom.stats.models import Dataset
from strom.stats.selectors import dataset_records, datasets_for, dimension_listing
from strom.stats.services import table_publish

router = Router(tags=["statistics"])


class TableQuery(Schema):
    dataset: str = Field("strom", description="a dataset name, several separated by commas, or all")
    by: str = Field(description="one to three dimension names separated by commas", examples=["year,gender"])
    where: list[str] = Field(
        default_factory=list, description="filters DIM=VALUE[,VALUE…] or DIM=FROM..TO; repeat the parameter"
    )
    rounding: int | None = Field(
        None, ge=1, le=1000, description="round published counts to a multiple of this"
    )


class PerturbationOut(Schema):
    method: str = Field(description="cell key method, or none (exact counts)")
    max_noise: int = Field(description="D: no published entry is further than this from its true count")
    variance: float = Field(description="V: the variance of the noise")
    small_counts: int | None = Field(None, description="js: no perturbed count is from 1 to this")
    zero_noise_probability: float | None = Field(
        None, description="the probability that a large count is published unchanged"
    )
    additive: bool = Field(description="false: cells and totals are perturbed separately and need not add up")
    perturbed: list[str] = Field(description="the datasets whose counts are perturbed")
    exact: list[str] = Field(description="the datasets counted exactly (public, already anonymised releases)")


class RuleOut(Schema):
    threshold: int = Field(description="counts from 1 to threshold - 1 are withheld")
    primary: str
    secondary: str
    rounding: int | None
    withheld_primary: int
    withheld_secondary: int
    perturbation: PerturbationOut
    withheld_in_parts: int | None = Field(
        None, description="a combined table: entries withheld because a part of their sum was withheld"
    )
    combined: str | None = Field(None, description="a combined table: how the parts were added")
    parts: list[dict[str, Any]] | None = Field(
        None, description="a combined table: the datasets added, with their source and threshold"
    )


class TableOut(Schema):
    datasets: list[str]
    by: list[str]
    where: list[str]
    rounding: int | None
    rule: RuleOut
    cells: list[dict[str, Any]] = Field(
        description="one object per cell: a key per dimension (value name) and count (null where withheld)"
    )
    totals: list[dict[str, Any]] = Field(
        description="the margins: as cells, with null for each dimension added up over"
    )


class ValueOut(Schema):
    name: str
    label: str


class TableDimensionOut(Schema):
    name: str
    label: str
    help: str
    multiple: bool = Field(
        description="a person can have several values; cells then add up to more than the total"
    )
    ranges: bool = Field(description="accepts FROM..TO filters")
    values: list[ValueOut]


class DatasetOut(Schema):
    name: str
    kind: str
    rows: int | None = Field(
        description="records; for STROM's own cases perturbed like every count, null under the threshold"
    )
    source_name: str
    created_at: Any
    refreshed_at: Any = None

    @staticmethod
    def resolve_rows(obj: Dataset) -> int | None:
        return dataset_records(obj)


@router.get("/tables", response=TableOut, url_name="stats_table")
def table(request: HttpRequest, query: Query[TableQuery]) -> dict[str, Any]:
    user = api_user(request)
    check_stats_allowed(user)
    return table_publish(by=user, spec=_spec(query)).as_dict()


class ExchangeOut(TableOut):
    format: str = Field(description="strom-table")
    version: int
    source: str = Field(description="the exporting instance (STROM_INSTANCE_NAME)")
    generated_at: str


def _spec(query: TableQuery) -> Spec:
    if query.rounding is not None and query.rounding < 1:
        raise ValidationError({"rounding": [_("Rounding needs a base of 1 or more.")]})
    return Spec(
        datasets=parse_datasets(query.dataset),
        by=parse_by(query.by),
        filters=[parse_filter(w) for w in query.where],
        rounding=query.rounding,
    )


@router.get("/tables/exchange", response=ExchangeOut, url_name="stats_table_exchange")
def table_exchange(request: HttpRequest, query: Query[TableQuery]) -> dict[str, Any]:
    """The same table as /tables, as the file another STROM instance imports (`strom import table`)."""
    user = api_user(request)
    check_stats_allowed(user)
    spec = _spec(query)
    if spec.rounding:
        raise ValidationError(
            {"rounding": [_("A table for another STROM instance is exchanged without rounding.")]}
        )
    return exchange_document(table_publish(by=user, spec=spec))


@router.get("/dimensions", response=list[TableDimensionOut], url_name="stats_dimensions")
def dimensions(request: HttpRequest) -> list[dict[str, Any]]:
    check_stats_allowed(api_user(request))
    return dimension_listing()


@router.get("/datasets", response=list[DatasetOut], url_name="stats_datasets")
def datasets(request: HttpRequest) -> list[Any]:
    user = api_user(request)
    check_stats_allowed(user)
    return datasets_for(user)
