"""/api/v1/pathways: referral pathways through the API, with the same access functions as the pages."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from strom.api.auth import api_user
from strom.api.errors import edit_conflict
from strom.api.openapi import EditConflictProblem
from strom.api.pagination import PageNumberPagination
from strom.directory.models import Municipality, Organisation
from strom.pathways.access import get_municipality_for
from strom.pathways.models import Pathway, PathwayStage, PathwayStep
from strom.pathways.selectors import pathway_of, pathways_visible_to, steps_of, text_language
from strom.pathways.services import PathwayConflict, StepData, pathway_save

router = Router(tags=["pathways"])


class PathwayMunicipalityOut(Schema):
    id: int
    country: str
    name: str
    code: str


class PathwaySummaryOut(Schema):
    municipality: PathwayMunicipalityOut
    version: int
    last_reviewed_at: datetime
    step_count: int


class StepOut(Schema):
    stage: PathwayStage
    lead_agency_id: int | None
    agency: str = Field(description="The lead agency's name, from the directory or as typed")
    contact_role: str
    contact_person: str
    contact_phone: str
    contact_email: str
    what_to_do: str
    time_limit_days: int | None
    legal_basis: str
    text_language: str = Field(
        description="The language of contact_role, what_to_do and legal_basis: the one asked for "
        "(Accept-Language) where the step is written in it, else English, else the original language"
    )

    @staticmethod
    def resolve_text_language(step: PathwayStep) -> str:
        return text_language(step)


class PathwayOut(Schema):
    municipality: PathwayMunicipalityOut
    version: int = Field(description="0 while the municipality has no pathway")
    last_reviewed_at: datetime | None
    original_language: str = Field(
        description="The language the steps' texts are written in first; PUT writes it"
    )
    steps: list[StepOut]


class StepIn(Schema):
    stage: PathwayStage
    lead_agency_id: int | None = None
    agency_name: str = Field("", max_length=200)
    contact_role: str = Field("", max_length=200)
    contact_person: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    what_to_do: str = ""
    time_limit_days: int | None = None
    legal_basis: str = ""


class PathwayIn(Schema):
    version: int = Field(description="The version you read (0 for a new pathway); a newer one answers 409")
    steps: list[StepIn]


class PathwayFilters(Schema):
    country: str = Field("", description="ISO 3166-1 alpha-2", max_length=2)


def _out(municipality: Municipality, pathway: Pathway | None) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "version": pathway.version if pathway else 0,
        "last_reviewed_at": pathway.last_reviewed_at if pathway else None,
        "original_language": pathway.original_language if pathway else "",
        "steps": steps_of(pathway),
    }


def _lead_agency(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"lead_agency_id": [_("There is no organisation with this id.")]})
    return organisation


@router.get("", response=list[PathwaySummaryOut], url_name="pathway_list")
@paginate(PageNumberPagination)
def list_pathways(request: HttpRequest, filters: Query[PathwayFilters]) -> QuerySet[Pathway]:
    return pathways_visible_to(api_user(request), country=filters.country.upper())


@router.get("/{municipality_id}", response=PathwayOut, url_name="pathway_detail")
def get_pathway(request: HttpRequest, municipality_id: int) -> dict[str, Any]:
    municipality = get_municipality_for(api_user(request), municipality_id)
    return _out(municipality, pathway_of(municipality))


@router.put(
    "/{municipality_id}", response={200: PathwayOut, 409: EditConflictProblem}, url_name="pathway_update"
)
def put_pathway(
    request: HttpRequest, municipality_id: int, payload: PathwayIn
) -> dict[str, Any] | HttpResponse:
    user = api_user(request)
    municipality = get_municipality_for(user, municipality_id, write=True)
    steps = [
        StepData(
            stage=step.stage.value,
            lead_agency=_lead_agency(step.lead_agency_id),
            **step.model_dump(exclude={"stage", "lead_agency_id"}),
        )
        for step in payload.steps
    ]
    try:
        pathway = pathway_save(by=user, municipality=municipality, version=payload.version, steps=steps)
    except PathwayConflict as exc:
        return edit_conflict(request, stored_version=exc.stored_version)
    return _out(municipality, pathway)
