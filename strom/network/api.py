"""/api/v1/network: the cooperation network through the API, with the same access functions as the pages."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from strom.api.auth import api_user
from strom.api.pagination import PageNumberPagination
from strom.directory.access import get_organisation_for
from strom.directory.models import Municipality
from strom.network.access import check_network_allowed, get_service_for
from strom.network.models import NetworkService, NetworkServiceQuerySet, ServiceType
from strom.network.selectors import network_search
from strom.network.services import service_create, service_update, service_update_capacity

router = Router(tags=["network"])


class OpeningTime(Schema):
    day: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday")
    opens: str = Field(description="HH:MM, local time")
    closes: str = Field(description="HH:MM, local time")


class NetworkServiceOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    service_type: ServiceType
    name: str
    description: str
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes covered as a whole")
    municipality_ids: list[int]
    address: str
    phone: str
    email: str
    website: str
    languages: list[str] = Field(description="ISO 639 codes")
    opening_hours: str
    open_247: bool
    hours: list[OpeningTime]
    capacity: int | None
    free_places: int | None
    free_places_updated_at: dt.datetime | None
    for_adults: bool
    for_children: bool
    for_men: bool
    for_women: bool
    for_families: bool
    nrm_focal_point: bool
    trm_focal_point: bool
    is_active: bool
    version: int

    @staticmethod
    def resolve_municipality_ids(obj: NetworkService) -> list[int]:
        return [m.pk for m in obj.municipalities.all()]


class ServiceFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the service or organisation name")
    service_type: ServiceType | None = None
    municipality_id: int | None = Field(None, description="Covers this municipality (or its whole country)")
    language: str = Field("", max_length=3, description="ISO 639 code")
    open_now: bool = False
    free_places: bool = False
    eligibility: str = Field("", description="adults, children, men, women or families")


class ServiceFields(Schema):
    service_type: ServiceType | None = None
    name: str | None = Field(None, max_length=200)
    description: str | None = None
    countries: list[str] | None = None
    municipality_ids: list[int] | None = None
    address: str | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = None
    website: str | None = None
    languages: list[str] | None = None
    opening_hours: str | None = Field(None, max_length=200)
    open_247: bool | None = None
    hours: list[OpeningTime] | None = None
    capacity: int | None = Field(None, ge=0)
    for_adults: bool | None = None
    for_children: bool | None = None
    for_men: bool | None = None
    for_women: bool | None = None
    for_families: bool | None = None
    nrm_focal_point: bool | None = None
    trm_focal_point: bool | None = None
    is_active: bool | None = None


class ServiceCreateIn(ServiceFields):
    organisation_id: int
    service_type: ServiceType
    name: str = Field(max_length=200)


class CapacityIn(Schema):
    free_places: int | None = Field(description="null: not reported")


NULLABLE = {"capacity"}


def _fields(payload: ServiceFields) -> tuple[dict[str, Any], list[Municipality] | None]:
    sent = payload.model_fields_set - {"organisation_id", "municipality_ids"}
    fields: dict[str, Any] = {}
    for name in sent:
        value = getattr(payload, name)
        if value is None and name not in NULLABLE:
            raise ValidationError({name: [_("This field cannot be null.")]})
        if name == "hours":
            value = [slot.model_dump() for slot in value]
        elif name == "service_type":
            value = value.value
        fields[name] = value
    municipalities = None
    if "municipality_ids" in payload.model_fields_set:
        ids = payload.municipality_ids or []
        municipalities = list(Municipality.objects.filter(pk__in=ids))
        if len(municipalities) != len(set(ids)):
            raise ValidationError(
                {"municipality_ids": [_("There is no municipality with one of these ids.")]}
            )
    return fields, municipalities


@router.get("/services", response=list[NetworkServiceOut], url_name="network_service_list")
@paginate(PageNumberPagination)
def list_services(request: HttpRequest, filters: Query[ServiceFilters]) -> NetworkServiceQuerySet:
    user = api_user(request)
    check_network_allowed(user)
    municipality = None
    if filters.municipality_id is not None:
        municipality = Municipality.objects.filter(pk=filters.municipality_id).first()
        if municipality is None:
            raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    return network_search(
        user,
        q=filters.q,
        service_type=filters.service_type.value if filters.service_type else "",
        municipality=municipality,
        language=filters.language.lower(),
        open_now=filters.open_now,
        free_places=filters.free_places,
        eligibility=filters.eligibility,
    ).prefetch_related("municipalities")


@router.get("/services/{service_id}", response=NetworkServiceOut, url_name="network_service_detail")
def get_service(request: HttpRequest, service_id: int) -> NetworkService:
    return get_service_for(api_user(request), service_id)


@router.post("/services", response={201: NetworkServiceOut}, url_name="network_service_create")
def create_service(request: HttpRequest, payload: ServiceCreateIn) -> NetworkService:
    user = api_user(request)
    check_network_allowed(user)
    organisation = get_organisation_for(user, payload.organisation_id, write=True)
    fields, municipalities = _fields(payload)
    return service_create(by=user, organisation=organisation, municipalities=municipalities or [], **fields)


@router.patch("/services/{service_id}", response=NetworkServiceOut, url_name="network_service_update")
def update_service(request: HttpRequest, service_id: int, payload: ServiceFields) -> NetworkService:
    user = api_user(request)
    service = get_service_for(user, service_id, write=True)
    fields, municipalities = _fields(payload)
    return service_update(by=user, service=service, municipalities=municipalities, **fields)


@router.post(
    "/services/{service_id}/capacity", response=NetworkServiceOut, url_name="network_service_capacity"
)
def update_capacity(request: HttpRequest, service_id: int, payload: CapacityIn) -> NetworkService:
    user = api_user(request)
    service = get_service_for(user, service_id, capacity=True)
    return service_update_capacity(by=user, service=service, free_places=payload.free_places)
