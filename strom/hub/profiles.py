"""Reads for the country profiles: what the hub's apps know of one country, brought together.

Each part is read through its own app's access rules, with the reader: published content only, as the
reader may see it. A reader without an account (where the instance sets STROM_HUB_PUBLIC) sees the
published guidelines, practices and events, the legal framework and the rules in force, and which
organisations coordinate; contact details (telephone, e-mail), the referral pathways and the action
plans are for logged-in members only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import User
from strom.actionplans.models import ACTIVE_STATUSES, Measure, PlanStatus
from strom.actionplans.selectors import plan_list
from strom.assessments.models import Round
from strom.core.collation import collated
from strom.core.countries import countries, is_country
from strom.core.roles import OrgType
from strom.directory.models import Organisation
from strom.events.models import Event, EventStatus
from strom.guidelines.access import check_may_read_hub
from strom.guidelines.models import CountryProfile, Guideline
from strom.guidelines.selectors import guideline_list, profile_countries, profile_text, title_of
from strom.network.models import NetworkService
from strom.pathways.models import Pathway
from strom.practices.models import EvidenceLevel
from strom.practices.selectors import LibraryFilters, library
from strom.stages import country_rules as cr
from strom.stages.selectors_rules import item_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Reader = User | AnonymousUser

# The organisations a country profile names besides the national coordinator's office.
NATIONAL_BODIES = (OrgType.NATIONAL_RAPPORTEUR, OrgType.HOTLINE)
# The rules a municipality meets first; the rest are on the country rules page.
PROFILE_RULES = ("reflection", "reflection_longest", "reasonable_grounds_due", "formal_identification_due")


def _member(reader: Reader) -> User | None:
    return reader if isinstance(reader, User) and reader.is_authenticated and reader.is_active else None


def _published_events(reader: Reader) -> Any:
    member = _member(reader)
    if member is None:
        # The events app opens nothing to visitors without an account.
        return Event.objects.none()
    return Event.objects.visible_to(member).filter(status=EventStatus.PUBLISHED)


@dataclass
class CountryRow:
    code: str
    name: str
    has_profile: bool
    guidelines: int
    events: int
    practices: int
    pathways: int
    plans: int


def country_rows(reader: Reader) -> list[CountryRow]:
    """Countries with a profile text or any published content the reader may see, by name."""
    check_may_read_hub(reader)
    member = _member(reader)
    guidelines = _counts(guideline_list(reader, published_only=True).exclude(country=""), "country")
    events = _counts(_published_events(reader).exclude(country=""), "country")
    practices = _counts(library(reader), "country")
    pathways = _counts(Pathway.objects.all(), "municipality__country") if member else {}
    plans = _counts(plan_list(member).exclude(status=PlanStatus.DRAFT), "country") if member else {}
    profiles = profile_countries()
    codes = set(profiles) | set(guidelines) | set(events) | set(practices) | set(pathways) | set(plans)
    names = countries()
    rows = [
        CountryRow(
            code=code,
            name=names.get(code, code),
            has_profile=code in profiles,
            guidelines=guidelines.get(code, 0),
            events=events.get(code, 0),
            practices=practices.get(code, 0),
            pathways=pathways.get(code, 0),
            plans=plans.get(code, 0),
        )
        for code in codes
        if is_country(code)
    ]
    return sorted(rows, key=lambda row: row.name)


def _counts(qs: Any, field_name: str) -> dict[str, int]:
    rows = qs.order_by().values(field_name).annotate(n=Count("pk", distinct=True))
    return {row[field_name]: row["n"] for row in rows}


@dataclass
class PracticeRow:
    title: str
    url: str
    level: str  # the evidence level, in words


def _practices(reader: Reader, code: str) -> list[PracticeRow]:
    """The country's practices in the library as the reader may read them (the public ones for a
    visitor without an account, where the instance allows it)."""
    levels = dict(EvidenceLevel.choices)
    return [
        PracticeRow(
            title=version.title,
            url=reverse("practices:detail", args=[version.practice_id]),
            level=str(levels.get(version.level, "")),
        )
        for version in library(reader, LibraryFilters(country=code))[:50]
    ]


@dataclass
class FocalPoint:
    service: NetworkService
    roles: list[str]


@dataclass
class CountryPage:
    code: str
    name: str
    member: bool
    legal_framework: CountryProfile | None
    legal_framework_fallback: bool  # not in the reader's language
    rules_version: int
    rules_from: dt.date | None
    rules: list[dict[str, Any]]
    unverified: int
    coordinators: list[Organisation]
    national_bodies: list[Organisation]
    focal_points: list[FocalPoint]
    pathways: list[Pathway]
    guidelines: list[tuple[Guideline, str]]
    events: list[Event]
    measures: list[Measure]
    practices: list[PracticeRow] = field(default_factory=list)
    assessments: list[Round] = field(default_factory=list)


def _rules(code: str) -> tuple[Any, list[dict[str, Any]]]:
    rules = cr.rules_for(code, timezone.localdate())
    rows = [row for row in item_rows(rules.items) if row["key"] in PROFILE_RULES]
    # Who verified an item is the rules page's business; the profile shows the value and its source.
    for row in rows:
        row.pop("verified_by", None)
    return rules, rows


def _focal_points(code: str, member: User | None) -> list[FocalPoint]:
    if member is None:
        return []
    services = (
        NetworkService.objects.visible_to(member)
        .filter(Q(nrm_focal_point=True) | Q(trm_focal_point=True), organisation__country=code)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    points = []
    for service in services:
        roles = []
        if service.nrm_focal_point:
            roles.append(str(NetworkService._meta.get_field("nrm_focal_point").verbose_name))
        if service.trm_focal_point:
            roles.append(str(NetworkService._meta.get_field("trm_focal_point").verbose_name))
        points.append(FocalPoint(service, roles))
    return points


def _open_measures(code: str, member: User | None) -> list[Measure]:
    if member is None:
        return []
    plans = plan_list(member, country=code).exclude(status=PlanStatus.DRAFT)
    return list(
        Measure.objects.filter(plan__in=plans, status__in=ACTIVE_STATUSES)
        .select_related("plan", "responsible")
        .order_by("target_date", "pk")[:50]
    )


def _assessments(code: str, member: User | None) -> list[Round]:
    """The baseline assessment rounds the country's organisations were asked to answer (members only)."""
    if member is None:
        return []
    return list(
        Round.objects.visible_to(member)
        .filter(countries__contains=[code])
        .select_related("questionnaire")
        .order_by("-opened_at", "pk")[:20]
    )


def country_page(reader: Reader, code: str, language: str) -> CountryPage:
    member = _member(reader)
    profile = profile_text(code, language)
    rules, rule_rows = _rules(code)
    organisations = Organisation.objects.filter(country=code, is_active=True).order_by(collated("name"), "pk")
    guidelines = guideline_list(reader, country=code, published_only=True).prefetch_related(
        "published_version__texts"
    )
    return CountryPage(
        code=code,
        name=countries().get(code, code),
        member=member is not None,
        legal_framework=profile,
        legal_framework_fallback=profile is not None and profile.language != language,
        rules_version=rules.version_number,
        rules_from=rules.effective_from if rules.version_id else None,
        rules=rule_rows,
        unverified=len(rules.unverified),
        coordinators=list(organisations.filter(org_type=OrgType.NATIONAL_COORDINATOR)),
        national_bodies=list(organisations.filter(org_type__in=NATIONAL_BODIES)),
        focal_points=_focal_points(code, member),
        pathways=list(
            Pathway.objects.filter(municipality__country=code)
            .select_related("municipality")
            .annotate(step_count=Count("steps"))
            .order_by("municipality__name")
        )
        if member
        else [],
        guidelines=[(g, title_of(g, language)) for g in guidelines],
        events=list(_published_events(reader).filter(country=code).order_by("-start_date")[:20]),
        measures=_open_measures(code, member),
        practices=_practices(reader, code),
        assessments=_assessments(code, member),
    )
