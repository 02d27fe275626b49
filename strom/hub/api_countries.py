"""/api/v1/hub/countries: the country profiles, read with the same selectors and rules as the pages.
A caller without credentials is answered where the instance sets STROM_HUB_PUBLIC."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from strom.accounts.public import HUB_READ_AUTH, api_reader
from strom.guidelines.access import get_country_for
from strom.hub.profiles import CountryPage, country_page, country_rows

router = Router(tags=["hub"])


class HubCountryOut(Schema):
    code: str
    name: str
    has_profile: bool
    guidelines: int
    events: int
    practices: int
    pathways: int = Field(description="Members only; 0 for a caller without an account")
    plans: int = Field(description="Members only; 0 for a caller without an account")


class HubLegalFrameworkOut(Schema):
    language: str
    text: str
    updated_at: dt.datetime


class HubRuleOut(Schema):
    key: str
    label: str
    value: str
    source: str
    url: str
    verified: bool


class HubOrganisationOut(Schema):
    id: int
    name: str
    org_type: str


class HubFocalPointOut(Schema):
    service_id: int
    name: str
    organisation: str
    roles: list[str]
    phone: str
    email: str


class HubPathwayOut(Schema):
    municipality_id: int
    municipality: str
    steps: int
    last_reviewed_at: dt.datetime


class HubGuidelineOut(Schema):
    slug: str
    title: str
    audience: str


class HubEventOut(Schema):
    slug: str
    title: str
    start_date: dt.date
    city: str


class HubMeasureOut(Schema):
    id: int
    title: str
    plan_id: int
    plan: str
    responsible: str
    target_date: dt.date
    status: str


class HubPracticeOut(Schema):
    title: str
    url: str
    level: str = Field(description="The evidence level, in words")


class HubCountryProfileOut(Schema):
    code: str
    name: str
    legal_framework: HubLegalFrameworkOut | None
    rules_version: int = Field(description="0: the rules shipped with STROM")
    rules: list[HubRuleOut]
    coordinators: list[HubOrganisationOut]
    national_bodies: list[HubOrganisationOut]
    focal_points: list[HubFocalPointOut]
    pathways: list[HubPathwayOut]
    practices: list[HubPracticeOut]
    guidelines: list[HubGuidelineOut]
    events: list[HubEventOut]
    open_measures: list[HubMeasureOut]


def _language(lang: str) -> str:
    return lang or (get_language() or "en").split("-")[0]


def _profile_out(page: CountryPage) -> HubCountryProfileOut:
    framework = page.legal_framework
    return HubCountryProfileOut(
        code=page.code,
        name=page.name,
        legal_framework=HubLegalFrameworkOut(
            language=framework.language, text=framework.legal_framework, updated_at=framework.updated_at
        )
        if framework
        else None,
        rules_version=page.rules_version,
        rules=[
            HubRuleOut(
                key=row["key"],
                label=str(row["label"]),
                value=str(row["value"]),
                source=str(row["source"]),
                url=str(row["url"]),
                verified=bool(row["verified"]),
            )
            for row in page.rules
        ],
        coordinators=[
            HubOrganisationOut(id=o.pk, name=o.name, org_type=o.org_type) for o in page.coordinators
        ],
        national_bodies=[
            HubOrganisationOut(id=o.pk, name=o.name, org_type=o.org_type) for o in page.national_bodies
        ],
        focal_points=[
            HubFocalPointOut(
                service_id=p.service.pk,
                name=p.service.name,
                organisation=p.service.organisation.name,
                roles=p.roles,
                phone=p.service.phone,
                email=p.service.email,
            )
            for p in page.focal_points
        ],
        pathways=[
            HubPathwayOut(
                municipality_id=p.municipality_id,
                municipality=p.municipality.name,
                steps=getattr(p, "step_count", 0),
                last_reviewed_at=p.last_reviewed_at,
            )
            for p in page.pathways
        ],
        practices=[HubPracticeOut(title=p.title, url=p.url, level=p.level) for p in page.practices],
        guidelines=[
            HubGuidelineOut(slug=g.slug, title=title, audience=g.audience) for g, title in page.guidelines
        ],
        events=[
            HubEventOut(slug=e.slug, title=e.title, start_date=e.start_date, city=e.city) for e in page.events
        ],
        open_measures=[
            HubMeasureOut(
                id=m.pk,
                title=m.title,
                plan_id=m.plan_id,
                plan=m.plan.title,
                responsible=m.responsible.name,
                target_date=m.target_date,
                status=m.status,
            )
            for m in page.measures
        ],
    )


@router.get("/countries", response=list[HubCountryOut], url_name="hub_countries", auth=HUB_READ_AUTH)
def list_countries(request: HttpRequest) -> list[HubCountryOut]:
    return [HubCountryOut(**row.__dict__) for row in country_rows(api_reader(request))]


@router.get("/countries/{code}", response=HubCountryProfileOut, url_name="hub_country", auth=HUB_READ_AUTH)
def get_country(request: HttpRequest, code: str, lang: str = "") -> HubCountryProfileOut:
    """One country's profile; `lang` picks the legal framework's language (default: the request's)."""
    reader = api_reader(request)
    country = get_country_for(reader, code)
    return _profile_out(country_page(reader, country, _language(lang)))
