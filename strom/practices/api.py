"""/api/v1/practices: practices library: proven practices, their evidence rating, review and versions.

The same access functions and services as the pages. The API needs a login or a token: the public
reading of published practices (STROM_HUB_PUBLIC) is the pages' and the hub search's.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from strom.accounts.public import HUB_READ_AUTH, api_reader
from strom.api.auth import api_user
from strom.api.pagination import PageNumberPagination
from strom.audit.services import audit_read
from strom.core.errors import NotAllowed
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import PathwayStep
from strom.practices.access import check_member, get_practice_for
from strom.practices.models import (
    EvidenceLevel,
    Exploitation,
    Practice,
    PracticeContact,
    PracticeState,
    PracticeVersion,
    PracticeVersionQuerySet,
    Sector,
    Stage,
    TargetGroup,
    Theme,
    Visibility,
)
from strom.practices.selectors import LibraryFilters, library, record_for, versions_of
from strom.practices.services import (
    ContactData,
    LinkData,
    PracticeData,
    RatingData,
    comment_add,
    practice_create,
    practice_publish,
    practice_return,
    practice_revise,
    practice_start_review,
    practice_submit,
    practice_update,
    practice_withdraw,
    rating_save,
)

router = Router(tags=["practices"])


class PracticeSummaryOut(Schema):
    id: int = Field(alias="practice_id")
    title: str
    country: str
    level: EvidenceLevel
    version: int = Field(alias="number")
    published_at: dt.datetime
    stages: list[str]
    forms: list[str]
    sectors: list[str]
    themes: list[str]


class PracticeCriterionOut(Schema):
    criterion: str
    score: int | None
    justification: str


class PracticeRecordOut(Schema):
    """A practice as its reader sees it: the working copy for its editors and reviewers, the current
    published version for everyone else. Contacts are a separate, recorded read."""

    id: int
    state: PracticeState | None = Field(description="Only for those who see the working copy")
    working_copy: bool
    version: int | None = Field(description="The current published version, if any")
    title: str
    summary: str
    problem: str
    what_was_done: str
    results: str
    country: str
    municipality: str
    region: str
    organisation_id: int
    organisation: str
    organisations: list[str]
    target_groups: list[str]
    forms: list[str]
    stages: list[str]
    sectors: list[str]
    themes: list[str]
    pathway_step_ids: list[int]
    start_year: int | None
    end_year: int | None
    cost_eur: str | None
    cost_note: str
    languages: list[str]
    visibility: str
    links: list[dict[str, str]]
    level: str
    rating: list[PracticeCriterionOut]


class PracticeContactIn(Schema):
    name: str = Field(max_length=200)
    function: str = Field("", max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class PracticeContactOut(PracticeContactIn):
    pass


class PracticeLinkIn(Schema):
    title: str = Field(max_length=300)
    url: str = Field(max_length=500)


class PracticeIn(Schema):
    title: str = Field(max_length=300)
    summary: str = Field(max_length=20_000)
    country: str = Field(max_length=2)
    problem: str = Field("", max_length=20_000)
    what_was_done: str = Field("", max_length=20_000)
    results: str = Field("", max_length=20_000)
    municipality_id: int | None = None
    region: str = Field("", max_length=200)
    organisation_ids: list[int] = []
    target_groups: list[TargetGroup] = []
    forms: list[Exploitation] = []
    stages: list[Stage] = []
    sectors: list[Sector] = []
    themes: list[Theme] = []
    pathway_step_ids: list[int] = []
    start_year: int | None = Field(None, ge=1950, le=2100)
    end_year: int | None = Field(None, ge=1950, le=2100)
    cost_eur: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    cost_note: str = Field("", max_length=300)
    languages: list[str] = []
    visibility: Visibility = Visibility.MEMBERS
    contacts: list[PracticeContactIn] = []
    links: list[PracticeLinkIn] = []


class PracticeCreateIn(PracticeIn):
    organisation_id: int


class PracticeRatingIn(Schema):
    relevance: int | None = Field(None, ge=0, le=3)
    relevance_note: str = Field("", max_length=20_000)
    evidence: int | None = Field(None, ge=0, le=3)
    evidence_note: str = Field("", max_length=20_000)
    transferability: int | None = Field(None, ge=0, le=3)
    transferability_note: str = Field("", max_length=20_000)
    sustainability: int | None = Field(None, ge=0, le=3)
    sustainability_note: str = Field("", max_length=20_000)


class PracticeRatingOut(PracticeRatingIn):
    level: str


class PracticeCommentIn(Schema):
    body: str = Field(max_length=20_000)


class PracticeCommentOut(Schema):
    id: int
    kind: str
    body: str
    created_at: dt.datetime


class PracticeDecisionIn(Schema):
    comment: str = Field("", max_length=20_000)


class PracticeVersionOut(Schema):
    number: int
    is_current: bool
    published_at: dt.datetime
    level: EvidenceLevel
    public: bool
    changed: list[str]


class PracticeStateOut(Schema):
    id: int
    state: PracticeState


def _record(user: Any, practice: Practice) -> dict[str, Any]:
    record = record_for(user, practice)
    r = record.data
    return {
        **{key: r[key] for key in ("title", "summary", "problem", "what_was_done", "results", "country")},
        **{key: r[key] for key in ("region", "target_groups", "forms", "stages", "sectors", "themes")},
        **{key: r[key] for key in ("start_year", "end_year", "cost_eur", "cost_note", "languages", "links")},
        "id": practice.pk,
        "state": practice.state if record.working_copy else None,
        "working_copy": record.working_copy,
        "version": record.version.number if record.version else None,
        "municipality": r["municipality"]["name"] if r["municipality"] else "",
        "organisation_id": r["organisation"]["id"],
        "organisation": r["organisation"]["name"],
        "organisations": [o["name"] for o in r["organisations"]],
        "pathway_step_ids": [step["id"] for step in r["pathway_steps"]],
        "visibility": r["visibility"],
        "level": r["level"],
        "rating": [
            {"criterion": key, "score": c["score"], "justification": c["note"]}
            for key, c in zip(
                ("relevance", "evidence", "transferability", "sustainability"), r["criteria"], strict=True
            )
        ],
    }


def _by_ids(model: Any, ids: list[int]) -> list[Any]:
    found = list(model.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise NotAllowed
    return found


def _data(payload: PracticeIn) -> PracticeData:
    municipality = None
    if payload.municipality_id is not None:
        municipality = Municipality.objects.filter(pk=payload.municipality_id).first()
        if municipality is None:
            raise NotAllowed
    return PracticeData(
        title=payload.title,
        summary=payload.summary,
        country=payload.country,
        problem=payload.problem,
        what_was_done=payload.what_was_done,
        results=payload.results,
        municipality=municipality,
        region=payload.region,
        organisations=_by_ids(Organisation, payload.organisation_ids),
        target_groups=[v.value for v in payload.target_groups],
        forms=[v.value for v in payload.forms],
        stages=[v.value for v in payload.stages],
        sectors=[v.value for v in payload.sectors],
        themes=[v.value for v in payload.themes],
        pathway_steps=_by_ids(PathwayStep, payload.pathway_step_ids),
        start_year=payload.start_year,
        end_year=payload.end_year,
        cost_eur=payload.cost_eur,
        cost_note=payload.cost_note,
        languages=payload.languages,
        visibility=payload.visibility.value,
        contacts=[ContactData(**c.model_dump()) for c in payload.contacts],
        links=[LinkData(**link.model_dump()) for link in payload.links],
    )


class PracticeFilters(Schema):
    country: str = ""
    stage: Stage | None = None
    form: Exploitation | None = None
    sector: Sector | None = None
    theme: Theme | None = None
    level: EvidenceLevel | None = None
    q: str = Field("", max_length=200)
    step: int | None = Field(None, description="A referral pathway step the practice concerns")


@router.get("/", response=list[PracticeSummaryOut], url_name="practices_list", auth=HUB_READ_AUTH)
@paginate(PageNumberPagination)
def list_practices(request: HttpRequest, filters: Query[PracticeFilters]) -> PracticeVersionQuerySet:
    """The library: current published versions, filtered (public ones without an account where the
    instance opens its hub, STROM_HUB_PUBLIC)."""
    return library(
        api_reader(request),
        LibraryFilters(
            country=filters.country,
            stage=filters.stage.value if filters.stage else "",
            form=filters.form.value if filters.form else "",
            sector=filters.sector.value if filters.sector else "",
            theme=filters.theme.value if filters.theme else "",
            level=filters.level.value if filters.level else "",
            q=filters.q,
            step=filters.step,
        ),
    )


@router.post("/", response={201: PracticeRecordOut}, url_name="practices_create")
def create_practice(request: HttpRequest, payload: PracticeCreateIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise NotAllowed
    practice = practice_create(by=user, organisation=organisation, data=_data(payload))
    return Status(201, _record(user, practice))


@router.get("/{practice_id}", response=PracticeRecordOut, url_name="practices_detail", auth=HUB_READ_AUTH)
def get_practice(request: HttpRequest, practice_id: int) -> dict[str, Any]:
    user = api_reader(request)
    return _record(user, get_practice_for(user, practice_id))


@router.put("/{practice_id}", response=PracticeRecordOut, url_name="practices_update")
def update_practice(request: HttpRequest, practice_id: int, payload: PracticeIn) -> dict[str, Any]:
    user = api_user(request)
    practice = get_practice_for(user, practice_id, edit=True)
    return _record(user, practice_update(by=user, practice=practice, data=_data(payload)))


@router.get("/{practice_id}/contacts", response=list[PracticeContactOut], url_name="practices_contacts")
def list_contacts(request: HttpRequest, practice_id: int) -> list[PracticeContact]:
    """The contact persons: members only, recorded as a read."""
    user = api_user(request)
    check_member(user)
    practice = get_practice_for(user, practice_id)
    contacts = list(PracticeContact.objects.visible_to(user).filter(practice=practice).distinct())
    if contacts:
        audit_read(
            actor=user,
            object_type="practice_contacts",
            object_ref=practice.pk,
            organisation_id=practice.organisation_id,
            details={"count": len(contacts)},
        )
    return contacts


@router.get(
    "/{practice_id}/versions",
    response=list[PracticeVersionOut],
    url_name="practices_versions",
    auth=HUB_READ_AUTH,
)
def list_versions(request: HttpRequest, practice_id: int) -> list[PracticeVersion]:
    user = api_reader(request)
    return versions_of(user, get_practice_for(user, practice_id))


@router.post("/{practice_id}/submit", response=PracticeStateOut, url_name="practices_submit")
def submit(request: HttpRequest, practice_id: int) -> Practice:
    user = api_user(request)
    return practice_submit(by=user, practice=get_practice_for(user, practice_id, edit=True))


@router.post("/{practice_id}/start-review", response=PracticeStateOut, url_name="practices_start_review")
def start_review(request: HttpRequest, practice_id: int) -> Practice:
    user = api_user(request)
    return practice_start_review(by=user, practice=get_practice_for(user, practice_id, review=True))


@router.put("/{practice_id}/rating", response=PracticeRatingOut, url_name="practices_rate")
def rate(request: HttpRequest, practice_id: int, payload: PracticeRatingIn) -> Any:
    user = api_user(request)
    practice = get_practice_for(user, practice_id, review=True)
    return rating_save(by=user, practice=practice, data=RatingData(**payload.model_dump()))


@router.post("/{practice_id}/comments", response={201: PracticeCommentOut}, url_name="practices_comment")
def comment(request: HttpRequest, practice_id: int, payload: PracticeCommentIn) -> Status[Any]:
    user = api_user(request)
    practice = get_practice_for(user, practice_id)
    return Status(201, comment_add(by=user, practice=practice, body=payload.body))


@router.post("/{practice_id}/publish", response=PracticeVersionOut, url_name="practices_publish")
def publish(request: HttpRequest, practice_id: int, payload: PracticeDecisionIn) -> PracticeVersion:
    user = api_user(request)
    practice = get_practice_for(user, practice_id, review=True)
    return practice_publish(by=user, practice=practice, comment=payload.comment)


@router.post("/{practice_id}/return", response=PracticeStateOut, url_name="practices_return")
def return_practice(request: HttpRequest, practice_id: int, payload: PracticeDecisionIn) -> Practice:
    user = api_user(request)
    practice = get_practice_for(user, practice_id, review=True)
    return practice_return(by=user, practice=practice, comment=payload.comment)


@router.post("/{practice_id}/withdraw", response=PracticeStateOut, url_name="practices_withdraw")
def withdraw(request: HttpRequest, practice_id: int) -> Practice:
    user = api_user(request)
    return practice_withdraw(by=user, practice=get_practice_for(user, practice_id))


@router.post("/{practice_id}/revise", response=PracticeStateOut, url_name="practices_revise")
def revise(request: HttpRequest, practice_id: int) -> Practice:
    user = api_user(request)
    return practice_revise(by=user, practice=get_practice_for(user, practice_id, edit=True))
