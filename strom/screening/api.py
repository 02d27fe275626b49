"""/api/v1/screening: indicator sets, a stateless score preview, and saved screenings.

The result is always a recommendation for a person to consider ("is_recommendation": true); the API,
like the pages, never records a decision about anyone.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from strom.api.auth import api_user
from strom.audit.services import audit_read
from strom.cases.access import get_case_for
from strom.cases.choices import Gender
from strom.core.errors import NotAllowed
from strom.directory.models import Municipality, Organisation
from strom.screening.access import (
    check_may_publish,
    check_may_screen,
    get_screening_for,
    get_screening_to_convert,
    may_adapt_for_country,
    screening_org_ids,
)
from strom.screening.indicators import IndicatorSet, current_sets, get_set, versions_of
from strom.screening.models import AgeBand, Screening
from strom.screening.presenters import result_rows
from strom.screening.scoring import ScreeningResult, score
from strom.screening.services import resolve_set, screening_convert, screening_create
from strom.screening.set_services import (
    IndicatorChange,
    SetSource,
    indicator_set_adapt,
    indicator_set_publish,
    version_rows,
)

router = Router(tags=["screening"])


class IndicatorSetSummaryOut(Schema):
    id: str
    version: int = Field(description="The newest version")
    versions: list[int]
    title: str
    exploitation: str = Field(description="HTCDS vic_TypeOfExploitation")
    audience: Literal["adult", "child", "any"]
    indicator_count: int
    country: str = Field(description="Empty for a shared set; else the country whose coordinators keep it")
    to_check: bool = Field(description="The set, or one of its indicators, is marked to be checked")


class DimensionOut(Schema):
    id: str
    role: str
    title: str


class IndicatorOut(Schema):
    id: str
    dimension: str
    strength: Literal["strong", "medium", "weak"]
    text: str
    to_check: bool = Field(description="Marked to be checked against the source (the ILO text)")


class IndicatorSetOut(Schema):
    id: str
    version: int
    title: str
    exploitation: str
    audience: Literal["adult", "child", "any"]
    scoring_rule: str
    country: str
    to_check: bool
    source: dict[str, Any]
    dimensions: list[DimensionOut]
    indicators: list[IndicatorOut]


class DimensionResultOut(Schema):
    id: str
    role: str
    title: str
    positive: bool
    reason: str = Field(description="Which ILO combination made it positive; empty when not positive")
    reason_text: str
    drivers: list[str] = Field(description="Observed indicator ids in this dimension, strongest first")


class ElementsOut(Schema):
    recruitment: bool
    exploitation: bool
    destination: bool


class ResultOut(Schema):
    rule: str
    rule_version: int
    ilo_combination: bool = Field(description="The ILO combination holds (shown per dimension)")
    child_rule: bool = Field(description="The level rests on the child rule: exploitation alone, for a child")
    child_rule_basis: str = Field(description="The legal basis of the child rule when it applies")
    indicator_set_id: str
    indicator_set_version: int
    child: bool
    level: Literal["strong", "some", "none"]
    level_label: str
    recommendation: str
    is_recommendation: bool = Field(True, description="Always true: STROM recommends, a person decides")
    elements: ElementsOut
    dimensions: list[DimensionResultOut]


class ScoreIn(Schema):
    indicator_set_id: str = Field(max_length=60)
    indicator_set_version: int | None = Field(None, description="Default: the newest version")
    observed: list[str] = Field(default_factory=list, max_length=500)
    child: bool | None = Field(None, description="Apply the child rule; default: the set's audience")


class ScreeningIn(Schema):
    indicator_set_id: str = Field(max_length=60)
    indicator_set_version: int | None = None
    observed: list[str] = Field(default_factory=list, max_length=500)
    notes: str = Field("", max_length=20_000)
    case_ref: str | None = Field(None, description="Screen on this case; omit for an anonymous pre-screening")
    organisation_id: int | None = Field(None, description="Without a case; default: your only organisation")
    age_band: AgeBand = AgeBand.UNKNOWN
    gender: Gender | Literal[""] = ""
    exploitation: str = Field("", max_length=40, description="HTCDS vic_TypeOfExploitation")
    municipality_id: int | None = None


class ScreeningOut(Schema):
    id: int
    indicator_set_id: str
    indicator_set_version: int
    rule_version: int = Field(description="The scoring rule version the stored result was made with")
    observed: list[str]
    notes: str
    organisation_id: int
    case_ref: str | None
    anonymous: bool
    age_band: str
    gender: str
    exploitation: str
    municipality_id: int | None
    created_at: dt.datetime
    converted_at: dt.datetime | None
    result: ResultOut


class ConvertIn(Schema):
    given_name: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    gender: Gender = Gender.UNKNOWN
    birth_date: dt.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    municipality_id: int


class ConvertOut(Schema):
    screening_id: int
    case_ref: str


def _set_summary(indicator_set: IndicatorSet) -> dict[str, Any]:
    return {
        "id": indicator_set.id,
        "version": indicator_set.version,
        "versions": versions_of(indicator_set.id),
        "title": indicator_set.title,
        "exploitation": indicator_set.exploitation,
        "audience": indicator_set.audience,
        "indicator_count": len(indicator_set.indicators),
        "country": indicator_set.country,
        "to_check": indicator_set.to_check or bool(indicator_set.indicators_to_check),
    }


def _result_out(result: ScreeningResult) -> dict[str, Any]:
    rows = result_rows(result)
    return {
        "rule": result.rule,
        "rule_version": result.rule_version,
        "ilo_combination": result.ilo_combination,
        "child_rule": result.child_rule,
        "child_rule_basis": result.child_rule_basis,
        "indicator_set_id": result.set_id,
        "indicator_set_version": result.set_version,
        "child": result.child,
        "level": result.level,
        "level_label": result.level_label,
        "recommendation": result.recommendation,
        "is_recommendation": True,
        "elements": {
            "recruitment": result.recruitment,
            "exploitation": result.exploitation,
            "destination": result.destination,
        },
        "dimensions": [
            {
                "id": row.result.id,
                "role": row.result.role,
                "title": row.title,
                "positive": row.result.positive,
                "reason": row.result.reason,
                "reason_text": row.result.reason_text,
                "drivers": list(row.result.drivers),
            }
            for row in rows
        ],
    }


def _screening_out(screening: Screening) -> dict[str, Any]:
    return {
        "id": screening.pk,
        "indicator_set_id": screening.indicator_set_id,
        "indicator_set_version": screening.indicator_set_version,
        "rule_version": screening.rule_version,
        "observed": list(screening.observed),
        "notes": screening.notes,
        "organisation_id": screening.organisation_id,
        "case_ref": screening.case.ref if screening.case is not None else None,
        "anonymous": screening.anonymous,
        "age_band": screening.age_band,
        "gender": screening.gender,
        "exploitation": screening.exploitation,
        "municipality_id": screening.municipality_id,
        "created_at": screening.created_at,
        "converted_at": screening.converted_at,
        "result": _result_out(screening.scored()),
    }


@router.get("/indicator-sets", response=list[IndicatorSetSummaryOut], url_name="screening_indicator_sets")
def list_indicator_sets(request: HttpRequest) -> list[dict[str, Any]]:
    api_user(request)
    # A country's own sets are listed too: they are not personal data, and the pages show them all.
    return [_set_summary(s) for s in current_sets()]


@router.get(
    "/indicator-sets/{set_id}/{int:version}", response=IndicatorSetOut, url_name="screening_indicator_set"
)
def get_indicator_set(request: HttpRequest, set_id: str, version: int) -> dict[str, Any]:
    api_user(request)
    try:
        indicator_set = get_set(set_id, version)
    except LookupError:
        raise Http404 from None
    return {
        "id": indicator_set.id,
        "version": indicator_set.version,
        "title": indicator_set.title,
        "exploitation": indicator_set.exploitation,
        "audience": indicator_set.audience,
        "scoring_rule": indicator_set.scoring_rule,
        "country": indicator_set.country,
        "to_check": indicator_set.to_check,
        "source": indicator_set.source,
        "dimensions": [{"id": d.id, "role": d.role, "title": d.title} for d in indicator_set.dimensions],
        "indicators": [
            {
                "id": i.id,
                "dimension": i.dimension,
                "strength": i.strength,
                "text": i.text,
                "to_check": i.to_check,
            }
            for i in indicator_set.indicators
        ],
    }


@router.post("/score", response=ResultOut, url_name="screening_score")
def score_preview(request: HttpRequest, payload: ScoreIn) -> dict[str, Any]:
    """Score without saving anything: the same rule as a saved screening."""
    api_user(request)
    indicator_set = resolve_set(payload.indicator_set_id, payload.indicator_set_version)
    return _result_out(score(indicator_set, payload.observed, child=payload.child))


def _organisation(user: Any, organisation_id: int | None) -> Organisation:
    allowed = screening_org_ids(user)
    if organisation_id is None:
        if len(allowed) == 1:
            return Organisation.objects.get(pk=next(iter(allowed)))
        raise ValidationError({"organisation_id": [_("Say which organisation you screen for.")]})
    organisation = Organisation.objects.filter(pk=organisation_id, pk__in=allowed).first()
    if organisation is None:
        raise NotAllowed(_("You may not screen for this organisation."))
    return organisation


@router.post("", response={201: ScreeningOut}, url_name="screening_create")
def create_screening(request: HttpRequest, payload: ScreeningIn) -> dict[str, Any]:
    user = api_user(request)
    check_may_screen(user)
    case = get_case_for(user, payload.case_ref, write=True) if payload.case_ref else None
    municipality = None
    if payload.municipality_id is not None:
        municipality = Municipality.objects.filter(pk=payload.municipality_id).first()
        if municipality is None:
            raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    screening = screening_create(
        by=user,
        indicator_set_id=payload.indicator_set_id,
        indicator_set_version=payload.indicator_set_version,
        observed=payload.observed,
        notes=payload.notes,
        case=case,
        organisation=None if case is not None else _organisation(user, payload.organisation_id),
        age_band=payload.age_band.value,
        gender=payload.gender.value if isinstance(payload.gender, Gender) else "",
        exploitation=payload.exploitation,
        municipality=municipality,
    )
    return _screening_out(screening)


@router.get("/{int:screening_id}", response=ScreeningOut, url_name="screening_detail")
def get_screening(request: HttpRequest, screening_id: int) -> dict[str, Any]:
    user = api_user(request)
    screening = get_screening_for(user, screening_id)
    audit_read(
        actor=user,
        object_type="screening",
        object_ref=screening.pk,
        organisation_id=screening.organisation_id,
    )
    return _screening_out(screening)


@router.post("/{int:screening_id}/convert", response={201: ConvertOut}, url_name="screening_convert")
def convert_screening(request: HttpRequest, screening_id: int, payload: ConvertIn) -> dict[str, Any]:
    user = api_user(request)
    screening = get_screening_to_convert(user, screening_id)
    municipality = Municipality.objects.filter(pk=payload.municipality_id).first()
    if municipality is None:
        raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    case = screening_convert(
        by=user,
        screening=screening,
        municipality=municipality,
        given_name=payload.given_name.strip(),
        family_name=payload.family_name.strip(),
        gender=payload.gender.value,
        birth_date=payload.birth_date.isoformat() if payload.birth_date else "",
        age_estimate=payload.age_estimate,
    )
    return {"screening_id": screening.pk, "case_ref": case.ref}


# --- indicator set versions: sources, verification, publishing ---------------------------------------


class SetVersionOut(Schema):
    version: int
    country: str = Field(description="Empty for a shared set; else the country whose coordinators keep it")
    source_document: str
    source_url: str
    checked_on: dt.date | None
    verified_by: str
    verified: bool
    to_check: bool = Field(description="The set is marked to be checked against its source")
    indicators_to_check: list[str]
    change_note: str
    shipped: bool
    published_at: dt.datetime | None


class IndicatorChangeIn(Schema):
    id: str = Field(max_length=30)
    strength: Literal["strong", "medium", "weak"]
    text: dict[str, str] = Field(description="Every language the earlier version had, and any new one")
    to_check: bool = False


class PublishIn(Schema):
    base_version: int = Field(description="The newest version, which this one corrects")
    source_document: str = Field(max_length=500)
    source_url: str = Field("", max_length=500)
    checked_on: dt.date | None = None
    verified_by: str = Field("", max_length=200)
    verified: bool = False
    change_note: str = Field(max_length=5_000)
    indicators: list[IndicatorChangeIn] = Field(max_length=1_000)


class AdaptIn(Schema):
    country: str = Field(min_length=2, max_length=2)


def _version_out(row: Any) -> dict[str, Any]:
    indicator_set = get_set(row.set_id, row.version)
    return {
        "version": row.version,
        "country": row.country,
        "source_document": row.source_document,
        "source_url": row.source_url,
        "checked_on": row.checked_on,
        "verified_by": row.verified_by,
        "verified": row.verified,
        "to_check": indicator_set.to_check,
        "indicators_to_check": [i.id for i in indicator_set.indicators_to_check],
        "change_note": row.change_note,
        "shipped": row.shipped,
        "published_at": row.published_at,
    }


@router.get(
    "/indicator-sets/{set_id}/versions",
    response=list[SetVersionOut],
    url_name="screening_indicator_set_versions",
)
def list_set_versions(request: HttpRequest, set_id: str) -> list[dict[str, Any]]:
    api_user(request)
    rows = version_rows(set_id)
    if not rows:
        raise Http404
    return [_version_out(r) for r in rows]


@router.post(
    "/indicator-sets/{set_id}/versions",
    response={201: SetVersionOut},
    url_name="screening_indicator_set_publish",
)
def publish_set_version(request: HttpRequest, set_id: str, payload: PublishIn) -> dict[str, Any]:
    user = api_user(request)
    try:
        base = get_set(set_id)
    except LookupError:
        raise Http404 from None
    check_may_publish(user, base)
    changes = {
        i.id: IndicatorChange(strength=i.strength, texts=dict(i.text), to_check=i.to_check)
        for i in payload.indicators
    }
    row = indicator_set_publish(
        by=user,
        set_id=set_id,
        base_version=payload.base_version,
        indicators=changes,
        source=SetSource(
            document=payload.source_document,
            url=payload.source_url,
            checked_on=payload.checked_on,
            verified_by=payload.verified_by,
            verified=payload.verified,
            note=payload.change_note,
        ),
    )
    return _version_out(row)


@router.post(
    "/indicator-sets/{set_id}/adapt",
    response={201: IndicatorSetSummaryOut},
    url_name="screening_indicator_set_adapt",
)
def adapt_set(request: HttpRequest, set_id: str, payload: AdaptIn) -> dict[str, Any]:
    user = api_user(request)
    if not may_adapt_for_country(user):
        raise Http404
    try:
        get_set(set_id)
    except LookupError:
        raise Http404 from None
    row = indicator_set_adapt(by=user, set_id=set_id, country=payload.country.upper())
    return _set_summary(get_set(row.set_id, row.version))
