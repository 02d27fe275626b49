"""/api/v1/guidelines: guidelines for municipalities, versioned, with sections and language versions, and
the countries' legal framework summaries. The same access functions and services as the pages.

Reading operations also answer a caller without credentials where the instance sets STROM_HUB_PUBLIC
(published guidelines only)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from strom.accounts.models import User
from strom.accounts.public import HUB_READ_AUTH, api_reader
from strom.api.auth import api_user
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.vocabulary import Sector, Theme
from strom.directory.models import Organisation
from strom.guidelines import selectors as sel
from strom.guidelines.access import (
    check_may_read_hub,
    get_guideline_for,
    get_profile_country_for,
    get_version_for,
    may_edit,
)
from strom.guidelines.models import (
    CountryProfile,
    Guideline,
    GuidelineLanguage,
    GuidelineVersion,
    Section,
    SectionText,
    VersionStatus,
    VersionText,
)
from strom.guidelines.services import (
    country_profile_save,
    draft_start,
    guideline_create,
    guideline_update,
    language_add,
    section_add,
    section_delete,
    section_move,
    section_text_save,
    version_publish,
    version_text_save,
)
from strom.pathways.models import PathwayStage, PathwayStep

router = Router(tags=["guidelines"])


class GuidelineOut(Schema):
    slug: str
    title: str = Field(description="In the original language")
    country: str = Field(description="ISO 3166-1 alpha-2; empty for the whole region")
    organisation_id: int
    organisation: str
    original_language: str
    languages: list[str]
    audience: str
    themes: list[Theme]
    sectors: list[Sector]
    stages: list[PathwayStage]
    step_ids: list[int]
    published_version: int | None

    @staticmethod
    def resolve_title(obj: Guideline) -> str:
        return sel.title_of(obj)

    @staticmethod
    def resolve_organisation(obj: Guideline) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_languages(obj: Guideline) -> list[str]:
        return sel.kept_languages(obj)

    @staticmethod
    def resolve_step_ids(obj: Guideline) -> list[int]:
        return sorted(step.pk for step in obj.steps.all())

    @staticmethod
    def resolve_published_version(obj: Guideline) -> int | None:
        return obj.published_version.number if obj.published_version else None


class GuidelineSectionReadOut(Schema):
    key: str
    heading: str
    body: str
    language: str
    fallback: bool = Field(description="True: no text in the asked language, shown in the original")
    outdated: bool = Field(description="A translation made from an earlier wording of the original")


class GuidelineReadingOut(Schema):
    slug: str
    version: int
    status: VersionStatus
    published_at: dt.datetime | None
    language: str
    title: str
    summary: str
    title_fallback: bool
    sections: list[GuidelineSectionReadOut]


class GuidelineVersionOut(Schema):
    number: int
    status: VersionStatus
    note: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    based_on: int | None

    @staticmethod
    def resolve_based_on(obj: GuidelineVersion) -> int | None:
        return obj.based_on.number if obj.based_on else None


class GuidelineSectionTextOut(Schema):
    language: str
    heading: str
    body: str
    needs_update: bool = Field(description="A translation whose original changed after it was written")


class GuidelineSectionOut(Schema):
    key: str
    position: int
    texts: list[GuidelineSectionTextOut]


class GuidelineVersionTextOut(Schema):
    language: str
    title: str
    summary: str


class GuidelineVersionDetailOut(Schema):
    number: int
    status: VersionStatus
    note: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    based_on: int | None
    texts: list[GuidelineVersionTextOut]
    sections: list[GuidelineSectionOut]


class GuidelineChangeOut(Schema):
    key: str
    change: str = Field(description="added, removed, changed, moved or same")
    heading: str
    lines: list[str] = Field(description="For a changed section: a unified diff of its text")


class GuidelineCreateIn(Schema):
    organisation_id: int
    title: str = Field(max_length=300)
    original_language: str = Field("en", max_length=3)
    summary: str = Field("", max_length=5000)
    country: str = Field("", max_length=2, description="Empty for the whole region")
    audience: str = Field("", max_length=300)
    themes: list[Theme] = []
    sectors: list[Sector] = []
    stages: list[PathwayStage] = []
    step_ids: list[int] = []


class GuidelineScopeIn(Schema):
    country: str = Field("", max_length=2)
    audience: str = Field("", max_length=300)
    themes: list[Theme] = []
    sectors: list[Sector] = []
    stages: list[PathwayStage] = []
    step_ids: list[int] = []


class GuidelineTextIn(Schema):
    title: str = Field(max_length=300)
    summary: str = Field("", max_length=5000)


class GuidelineSectionIn(Schema):
    heading: str = Field(max_length=300)
    body: str = Field("", max_length=100_000)
    position: int | None = Field(None, ge=1, description="1 = first; empty: last")


class GuidelineSectionTextIn(Schema):
    heading: str = Field(max_length=300)
    body: str = Field("", max_length=100_000)


class GuidelineMoveIn(Schema):
    up: bool = True


class GuidelineLanguageIn(Schema):
    language: str = Field(max_length=3)


class GuidelineNoteIn(Schema):
    note: str = Field("", max_length=2000)


class GuidelineFilters(Schema):
    country: str = Field("", description="ISO code, or 'region' for guidelines of the whole region")
    theme: Theme | None = None
    sector: Sector | None = None
    language: str = ""


class CountryProfileOut(Schema):
    country: str
    language: str
    legal_framework: str
    updated_at: dt.datetime


class CountryProfileIn(Schema):
    legal_framework: str = Field(max_length=20_000, description="Empty: remove this language")


def _steps(ids: list[int]) -> list[PathwayStep]:
    steps = list(PathwayStep.objects.select_related("pathway__municipality").filter(pk__in=ids))
    if len(steps) != len(set(ids)):
        raise NotAllowed
    return steps


def _version_detail(guideline: Guideline, version: GuidelineVersion) -> GuidelineVersionDetailOut:
    original = guideline.original_language
    sections = []
    for row in sel.side_by_side(version, source=original, target=original):
        base = next((t for t in row.section.texts.all() if t.language == original), None)
        texts = [
            GuidelineSectionTextOut(
                language=t.language,
                heading=t.heading,
                body=t.body,
                needs_update=bool(t.language != original and base and t.source_digest != base.digest),
            )
            for t in row.section.texts.all()
        ]
        sections.append(
            GuidelineSectionOut(key=str(row.section.key), position=row.section.position, texts=texts)
        )
    return GuidelineVersionDetailOut(
        number=version.number,
        status=VersionStatus(version.status),
        note=version.note,
        created_at=version.created_at,
        published_at=version.published_at,
        based_on=version.based_on.number if version.based_on else None,
        texts=[
            GuidelineVersionTextOut(language=t.language, title=t.title, summary=t.summary)
            for t in version.texts.all()
        ],
        sections=sections,
    )


@router.get("/", response=list[GuidelineOut], url_name="guidelines_list", auth=HUB_READ_AUTH)
def list_guidelines(request: HttpRequest, filters: Query[GuidelineFilters]) -> list[Guideline]:
    reader = api_reader(request)
    check_may_read_hub(reader)
    rows = sel.guideline_list(
        reader,
        country=filters.country,
        theme=filters.theme.value if filters.theme else "",
        sector=filters.sector.value if filters.sector else "",
        language=filters.language,
    )
    return list(rows.prefetch_related("steps", "published_version__texts", "versions__texts"))


@router.post("/", response={201: GuidelineOut}, url_name="guidelines_create")
def create_guideline(request: HttpRequest, payload: GuidelineCreateIn) -> Status[Guideline]:
    user = api_user(request)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise NotAllowed
    guideline = guideline_create(
        by=user,
        organisation=organisation,
        title=payload.title,
        original_language=payload.original_language,
        summary=payload.summary,
        country=payload.country,
        audience=payload.audience,
        themes=[t.value for t in payload.themes],
        sectors=[s.value for s in payload.sectors],
        stages=[s.value for s in payload.stages],
        steps=_steps(payload.step_ids),
    )
    return Status(201, guideline)


@router.get(
    "/profiles/{country}", response=list[CountryProfileOut], url_name="guidelines_profile", auth=HUB_READ_AUTH
)
def get_profile(request: HttpRequest, country: str) -> list[CountryProfile]:
    check_may_read_hub(api_reader(request))
    code = country.upper()
    if not is_country(code):
        raise NotAllowed
    return sel.profiles_of(code)


@router.put("/profiles/{country}/{language}", response=CountryProfileOut, url_name="guidelines_profile_save")
def save_profile(
    request: HttpRequest, country: str, language: str, payload: CountryProfileIn
) -> CountryProfile:
    user = api_user(request)
    code = get_profile_country_for(user, country)
    return country_profile_save(
        by=user, country=code, language=language, legal_framework=payload.legal_framework
    )


@router.get("/{slug}", response=GuidelineReadingOut, url_name="guidelines_detail", auth=HUB_READ_AUTH)
def read_guideline(
    request: HttpRequest, slug: str, lang: str = "", version: int | None = None
) -> GuidelineReadingOut:
    """The published version (or the one asked for) in `lang`, parts without a text there in the original."""
    reader = api_reader(request)
    guideline = get_guideline_for(reader, slug)
    if version is not None:
        shown = get_version_for(reader, guideline, version)
    elif guideline.published_version is not None:
        shown = guideline.published_version
        shown.guideline = guideline
    else:
        draft = sel.current_draft(guideline) if may_edit(reader, guideline) else None
        if draft is None:
            raise NotAllowed
        shown = draft
    read = sel.reading(shown, lang or guideline.original_language)
    return GuidelineReadingOut(
        slug=guideline.slug,
        version=shown.number,
        status=VersionStatus(shown.status),
        published_at=shown.published_at,
        language=read.language,
        title=read.title,
        summary=read.summary,
        title_fallback=read.title_fallback,
        sections=[GuidelineSectionReadOut(**s.__dict__) for s in read.sections],
    )


@router.patch("/{slug}", response=GuidelineOut, url_name="guidelines_update")
def update_guideline(request: HttpRequest, slug: str, payload: GuidelineScopeIn) -> Guideline:
    user = api_user(request)
    guideline = get_guideline_for(user, slug, edit=True)
    return guideline_update(
        by=user,
        guideline=guideline,
        country=payload.country,
        audience=payload.audience,
        themes=[t.value for t in payload.themes],
        sectors=[s.value for s in payload.sectors],
        stages=[s.value for s in payload.stages],
        steps=_steps(payload.step_ids),
    )


@router.get(
    "/{slug}/versions", response=list[GuidelineVersionOut], url_name="guidelines_versions", auth=HUB_READ_AUTH
)
def list_versions(request: HttpRequest, slug: str) -> list[GuidelineVersion]:
    reader = api_reader(request)
    guideline = get_guideline_for(reader, slug)
    return list(
        guideline.versions.select_related("based_on")
        .filter(**({} if may_edit(reader, guideline) else {"status": VersionStatus.PUBLISHED}))
        .order_by("-number")
    )


@router.post("/{slug}/versions", response={201: GuidelineVersionOut}, url_name="guidelines_draft_start")
def start_draft(request: HttpRequest, slug: str, payload: GuidelineNoteIn) -> Status[GuidelineVersion]:
    user = api_user(request)
    guideline = get_guideline_for(user, slug, edit=True)
    return Status(201, draft_start(by=user, guideline=guideline, note=payload.note))


@router.get(
    "/{slug}/versions/{number}",
    response=GuidelineVersionDetailOut,
    url_name="guidelines_version",
    auth=HUB_READ_AUTH,
)
def get_version(request: HttpRequest, slug: str, number: int) -> GuidelineVersionDetailOut:
    """A version with every language's texts, and which translations need an update."""
    reader = api_reader(request)
    guideline = get_guideline_for(reader, slug)
    return _version_detail(guideline, get_version_for(reader, guideline, number))


@router.get(
    "/{slug}/versions/{number}/changes",
    response=list[GuidelineChangeOut],
    url_name="guidelines_changes",
    auth=HUB_READ_AUTH,
)
def version_changes(
    request: HttpRequest, slug: str, number: int, against: int, lang: str = ""
) -> list[GuidelineChangeOut]:
    """What changed from version `against` to version `number`, section by section, in one language."""
    reader = api_reader(request)
    guideline = get_guideline_for(reader, slug)
    newer = get_version_for(reader, guideline, number)
    older = get_version_for(reader, guideline, against)
    changes = sel.compare(older, newer, lang or guideline.original_language)
    return [GuidelineChangeOut(**c.__dict__) for c in changes]


def _draft(user: User, slug: str, number: int) -> GuidelineVersion:
    guideline = get_guideline_for(user, slug, edit=True)
    return get_version_for(user, guideline, number, edit=True)


@router.post("/{slug}/versions/{number}/publish", response=GuidelineVersionOut, url_name="guidelines_publish")
def publish_version(
    request: HttpRequest, slug: str, number: int, payload: GuidelineNoteIn
) -> GuidelineVersion:
    user = api_user(request)
    version = _draft(user, slug, number)
    return version_publish(by=user, version=version, note=payload.note)


@router.put(
    "/{slug}/versions/{number}/texts/{language}",
    response=GuidelineVersionTextOut,
    url_name="guidelines_text_save",
)
def save_text(
    request: HttpRequest, slug: str, number: int, language: str, payload: GuidelineTextIn
) -> VersionText:
    user = api_user(request)
    version = _draft(user, slug, number)
    return version_text_save(
        by=user, version=version, language=language, title=payload.title, summary=payload.summary
    )


@router.post(
    "/{slug}/versions/{number}/sections",
    response={201: GuidelineSectionOut},
    url_name="guidelines_section_add",
)
def add_section(
    request: HttpRequest, slug: str, number: int, payload: GuidelineSectionIn
) -> Status[GuidelineSectionOut]:
    user = api_user(request)
    version = _draft(user, slug, number)
    section = section_add(
        by=user, version=version, heading=payload.heading, body=payload.body, position=payload.position
    )
    text = section.texts.get()
    out = GuidelineSectionOut(
        key=str(section.key),
        position=section.position,
        texts=[
            GuidelineSectionTextOut(
                language=text.language, heading=text.heading, body=text.body, needs_update=False
            )
        ],
    )
    return Status(201, out)


def _section(version: GuidelineVersion, key: uuid.UUID) -> Section:
    section = version.sections.filter(key=key).first()
    if section is None:
        raise NotAllowed
    section.version = version
    return section


@router.put(
    "/{slug}/versions/{number}/sections/{key}/texts/{language}",
    response=GuidelineSectionTextOut,
    url_name="guidelines_section_text_save",
)
def save_section_text(
    request: HttpRequest,
    slug: str,
    number: int,
    key: uuid.UUID,
    language: str,
    payload: GuidelineSectionTextIn,
) -> GuidelineSectionTextOut:
    """A section's text in the original language or a translation (which then counts as up to date)."""
    user = api_user(request)
    version = _draft(user, slug, number)
    text: SectionText = section_text_save(
        by=user, section=_section(version, key), language=language, heading=payload.heading, body=payload.body
    )
    return GuidelineSectionTextOut(
        language=text.language, heading=text.heading, body=text.body, needs_update=False
    )


@router.post(
    "/{slug}/versions/{number}/sections/{key}/move",
    response=GuidelineSectionOut,
    url_name="guidelines_section_move",
)
def move_section(
    request: HttpRequest, slug: str, number: int, key: uuid.UUID, payload: GuidelineMoveIn
) -> GuidelineSectionOut:
    user = api_user(request)
    version = _draft(user, slug, number)
    section = section_move(by=user, section=_section(version, key), up=payload.up)
    return GuidelineSectionOut(key=str(section.key), position=section.position, texts=[])


@router.delete(
    "/{slug}/versions/{number}/sections/{key}", response={204: None}, url_name="guidelines_section_delete"
)
def delete_section(request: HttpRequest, slug: str, number: int, key: uuid.UUID) -> Status[None]:
    user = api_user(request)
    version = _draft(user, slug, number)
    section_delete(by=user, section=_section(version, key))
    return Status(204, None)


@router.post("/{slug}/languages", response={201: GuidelineLanguageIn}, url_name="guidelines_language_add")
def add_language(request: HttpRequest, slug: str, payload: GuidelineLanguageIn) -> Status[GuidelineLanguage]:
    user = api_user(request)
    guideline = get_guideline_for(user, slug, edit=True)
    return Status(201, language_add(by=user, guideline=guideline, language=payload.language))
