"""/api/v1/organisations: the directory through the API, with the same access functions as the pages."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from strom.api.auth import api_user
from strom.api.pagination import PageNumberPagination
from strom.core.roles import OrgType
from strom.directory.access import check_directory_allowed, check_may_manage_directory, get_organisation_for
from strom.directory.models import Municipality, Organisation, OrganisationQuerySet
from strom.directory.selectors import organisation_search
from strom.directory.services import UNSET, organisation_create, organisation_update

router = Router(tags=["directory"])


class MunicipalityOut(Schema):
    id: int
    country: str
    name: str
    code: str


class OrganisationOut(Schema):
    id: int
    name: str
    org_type: OrgType
    country: str = Field(description="ISO 3166-1 alpha-2")
    municipality: MunicipalityOut | None
    is_active: bool


class OrganisationFilters(Schema):
    q: str = Field("", description="Part of the name", max_length=100)
    country: str = Field("", description="ISO 3166-1 alpha-2", max_length=2)
    org_type: OrgType | None = None


class OrganisationCreateIn(Schema):
    name: str = Field(max_length=200)
    org_type: OrgType
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    municipality_id: int | None = None


class OrganisationPatchIn(Schema):
    name: str | None = Field(None, max_length=200)
    org_type: OrgType | None = None
    municipality_id: int | None = Field(None, description="null removes the municipality")


def _municipality(municipality_id: int | None) -> Municipality | None:
    if municipality_id is None:
        return None
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    return municipality


@router.get("", response=list[OrganisationOut], url_name="organisation_list")
@paginate(PageNumberPagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> OrganisationQuerySet:
    user = api_user(request)
    check_directory_allowed(user)
    return organisation_search(
        user,
        q=filters.q,
        country=filters.country,
        org_type=filters.org_type.value if filters.org_type else "",
    )


@router.get("/{organisation_id}", response=OrganisationOut, url_name="organisation_detail")
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_organisation_for(api_user(request), organisation_id)


@router.post("", response={201: OrganisationOut}, url_name="organisation_create")
def create_organisation(request: HttpRequest, payload: OrganisationCreateIn) -> Organisation:
    user = api_user(request)
    check_may_manage_directory(user)
    return organisation_create(
        by=user,
        name=payload.name,
        org_type=payload.org_type.value,
        country=payload.country,
        municipality=_municipality(payload.municipality_id),
    )


@router.patch("/{organisation_id}", response=OrganisationOut, url_name="organisation_update")
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatchIn
) -> Organisation:
    user = api_user(request)
    organisation = get_organisation_for(user, organisation_id, write=True)
    sent = payload.model_fields_set
    if "name" in sent and payload.name is None:
        raise ValidationError({"name": [_("Enter a name.")]})
    if "org_type" in sent and payload.org_type is None:
        raise ValidationError({"org_type": [_("Choose a type from the list.")]})
    return organisation_update(
        by=user,
        organisation=organisation,
        name=payload.name if payload.name is not None else UNSET,
        org_type=payload.org_type.value if payload.org_type is not None else UNSET,
        municipality=_municipality(payload.municipality_id) if "municipality_id" in sent else UNSET,
    )
