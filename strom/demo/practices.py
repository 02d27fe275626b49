"""Demo practices: synthetic but plausible practices from around the Baltic Sea, at every step of review.

Written through the practices' services. The demo data writes each practice for its organisation as
the demo's system actor; the demo reviewer (reviewer@demo.example, Tallinn) reviews, rates and
publishes the others' practices, and the Tallinn practice, which that reviewer may not review, is left
in review. Idempotent: a practice whose title its organisation already has is left as it is.
Contacts are synthetic (example.org addresses, +xxx 2000 00xx numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from strom.accounts.models import User
from strom.audit.actors import DEMO, SystemActor
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import PathwayStep
from strom.practices.access import may_review
from strom.practices.models import Practice
from strom.practices.services import (
    ContactData,
    LinkData,
    PracticeData,
    RatingData,
    practice_create,
    practice_publish,
    practice_start_review,
    practice_submit,
    rating_save,
)

REVIEWER = "reviewer@demo.example"


@dataclass(frozen=True)
class DemoPractice:
    org: str  # organisation name
    country: str
    municipality: str | None  # municipality code, for a municipal practice
    state: str  # draft, submitted, in_review or published
    scores: tuple[int, int, int, int]  # relevance, evidence, transferability, sustainability
    fields: dict[str, Any] = field(default_factory=dict)
    steps: tuple[str, ...] = ()  # pathway stages of the municipality's pathway


WHY = {
    "relevance": {
        3: "A need documented by the municipality's own case records and survivors' accounts.",
        2: "The problem is described and matches what the region's reports say.",
    },
    "evidence": {
        3: "An independent evaluation compared the situation before and after.",
        2: "Outcomes monitored every year by the organisation itself.",
        1: "Activities counted: people reached and meetings held.",
    },
    "transferability": {
        3: "Already taken up by another municipality, with a written guide.",
        2: "What it needs (staff, partners, cost) is described.",
        1: "Possible elsewhere, but what it needs is not written down.",
    },
    "sustainability": {
        3: "Part of the regular municipal service and budget.",
        2: "Funded for several years, partly from the regular budget.",
        1: "Runs on project funding until the end of the year.",
        0: "Ended with its project funding.",
    },
}

PRACTICES: list[DemoPractice] = [
    DemoPractice(
        "Riga City Social Services",
        "LV",
        "RIX",
        "published",
        (3, 3, 2, 3),
        {
            "title": "Supported flats for men during the reflection period",
            "summary": "The city keeps four supported flats for men who are presumed victims, so that no "
            "one spends the reflection period in a night shelter.",
            "problem": "Shelters took women and children; men were sent to night shelters and often left "
            "before the end of the reflection period.",
            "what_was_done": "Four flats with a social worker on call, a daily allowance and an agreement "
            "with the State Police for safe transport to interviews.",
            "results": "From 2022 to 2024, 31 of 34 men stayed the whole reflection period; an "
            "independent evaluation (2024) found fewer withdrawals from criminal proceedings.",
            "stages": ["reflection", "assistance"],
            "forms": ["ForcedLabour", "ForcedCriminality"],
            "target_groups": ["men", "migrant_workers"],
            "sectors": ["social_services", "municipal"],
            "themes": ["assistance", "municipal_role"],
            "start_year": 2022,
            "languages": ["en", "lv"],
            "visibility": "public",
            "cost_note": "About EUR 60 000 a year for four flats.",
            "contacts": [
                ContactData("Aija Kalniņa", "Head of the crisis unit", "aija@riga-social.example.org")
            ],
            "links": [LinkData("Evaluation summary (2024)", "https://example.org/riga-flats-evaluation")],
        },
        steps=("reflection",),
    ),
    DemoPractice(
        "Vilnius Women's Shelter",
        "LT",
        "VNO",
        "published",
        (3, 2, 2, 2),
        {
            "title": "Peer mentors in the shelter",
            "summary": "Women who were trafficked themselves, trained and paid as mentors, meet residents "
            "in their first weeks.",
            "results": "Residents with a mentor joined the support plan sooner; monitored since 2021.",
            "stages": ["reflection", "assistance"],
            "forms": ["SexualExploitation"],
            "target_groups": ["women", "adults"],
            "sectors": ["ngo"],
            "themes": ["assistance"],
            "start_year": 2021,
            "languages": ["en", "lt"],
            "contacts": [
                ContactData("Rasa Jonaitienė", "Programme coordinator", "rasa@vilnius-shelter.example.org")
            ],
        },
    ),
    DemoPractice(
        "Tallinn Social Welfare Department",
        "EE",
        "TLL",
        "in_review",
        (2, 2, 2, 2),
        {
            "title": "One case manager from screening to follow-up",
            "summary": "A single case manager follows each person through every stage of the chain, "
            "instead of a new worker at each hand-over.",
            "stages": ["screening", "reflection", "assistance", "return_reintegration", "follow_up"],
            "forms": ["ForcedLabour", "SexualExploitation"],
            "sectors": ["social_services", "municipal"],
            "themes": ["municipal_role", "referral"],
            "start_year": 2023,
            "languages": ["en", "et"],
        },
    ),
    DemoPractice(
        "Helsinki Social Services",
        "FI",
        "HEL",
        "published",
        (3, 2, 2, 2),
        {
            "title": "Screening for labour exploitation with the labour inspectorate",
            "summary": "Social workers and labour inspectors screen together when an inspection finds "
            "signs of exploitation, with the indicators the national assistance system uses.",
            "stages": ["screening"],
            "forms": ["ForcedLabour"],
            "target_groups": ["migrant_workers"],
            "sectors": ["social_services", "labour_inspection"],
            "themes": ["identification", "labour"],
            "start_year": 2020,
            "languages": ["en", "fi", "sv"],
            "visibility": "public",
        },
    ),
    DemoPractice(
        "Malmö Social Services",
        "SE",
        "MMX",
        "published",
        (2, 1, 2, 1),
        {
            "title": "Interpreters on call for the first interview",
            "summary": "A framework contract gives social workers an interpreter by phone within an hour, "
            "day and night, for the first interview with a presumed victim.",
            "stages": ["screening", "reflection"],
            "target_groups": ["third_country_nationals"],
            "sectors": ["social_services"],
            "themes": ["identification", "assistance"],
            "start_year": 2024,
            "languages": ["en", "sv"],
        },
    ),
    DemoPractice(
        "Oslo Police District, Trafficking Group",
        "NO",
        "OSL",
        "submitted",
        (2, 1, 1, 1),
        {
            "title": "Joint visits to nail salons with social services",
            "summary": "Police and social workers visit together, so that a worker in need meets help "
            "before an investigation.",
            "stages": ["screening"],
            "forms": ["ForcedLabour"],
            "sectors": ["police", "social_services"],
            "themes": ["identification", "labour"],
            "start_year": 2024,
            "languages": ["en", "no"],
        },
    ),
    DemoPractice(
        "Gdańsk Family Support Centre",
        "PL",
        "GDN",
        "published",
        (3, 2, 2, 2),
        {
            "title": "Return and reintegration with a partner organisation at home",
            "summary": "Before a return, the centre agrees a reintegration plan with a partner "
            "organisation in the person's home town and keeps in touch for a year.",
            "stages": ["return_reintegration", "follow_up"],
            "forms": ["ForcedLabour", "ForcedBegging"],
            "sectors": ["social_services", "ngo", "international"],
            "themes": ["return"],
            "start_year": 2019,
            "languages": ["en", "pl", "uk"],
        },
    ),
    DemoPractice(
        "Hamburg Counselling Centre for Trafficked Persons",
        "DE",
        "HAM",
        "draft",
        (0, 0, 0, 0),
        {
            "title": "A legal clinic for compensation claims",
            "summary": "Volunteer lawyers help survivors claim unpaid wages and compensation from the "
            "employer and the state fund.",
            "stages": ["assistance"],
            "sectors": ["ngo", "judiciary"],
            "themes": ["compensation"],
            "start_year": 2025,
            "languages": ["de", "en"],
        },
    ),
    DemoPractice(
        "Copenhagen Social Services",
        "DK",
        "CPH",
        "published",
        (3, 3, 3, 3),
        {
            "title": "Training frontline staff to recognise forced criminality",
            "summary": "A half-day module for job centre, housing and school staff on the signs of forced "
            "criminality, with the municipal referral route on one page.",
            "stages": ["screening"],
            "forms": ["ForcedCriminality"],
            "target_groups": ["professionals"],
            "sectors": ["municipal", "education"],
            "themes": ["training", "identification"],
            "start_year": 2018,
            "languages": ["da", "en"],
            "visibility": "public",
        },
    ),
]


def _rating(scores: tuple[int, int, int, int]) -> RatingData:
    keys = ("relevance", "evidence", "transferability", "sustainability")
    values: dict[str, Any] = {}
    for key, score in zip(keys, scores, strict=True):
        values[key] = score
        values[f"{key}_note"] = WHY[key].get(score, WHY[key][max(WHY[key])])
    return RatingData(**values)


def _data(spec: DemoPractice, organisation: Organisation) -> PracticeData:
    municipality = (
        Municipality.objects.filter(country=spec.country, code=spec.municipality).first()
        if spec.municipality
        else None
    )
    steps = list(
        PathwayStep.objects.filter(pathway__municipality=municipality, stage__in=spec.steps)
        if municipality is not None and spec.steps
        else []
    )
    return PracticeData(country=spec.country, municipality=municipality, pathway_steps=steps, **spec.fields)


def _take_along(practice: Practice, spec: DemoPractice, reviewer: User | None) -> None:
    by: User | SystemActor = reviewer if reviewer is not None and may_review(reviewer, practice) else DEMO
    if spec.state == "draft":
        return
    practice = practice_submit(by=DEMO, practice=practice)
    if spec.state == "submitted":
        return
    practice = practice_start_review(by=by, practice=practice)
    if spec.state == "in_review":
        return
    rating_save(by=by, practice=practice, data=_rating(spec.scores))
    practice_publish(by=by, practice=practice)


@transaction.atomic
def demo_practices_load() -> int:
    """Create the missing demo practices; return how many were created."""
    reviewer = User.objects.filter(email=REVIEWER, is_active=True).first()
    created = 0
    for spec in PRACTICES:
        organisation = Organisation.objects.filter(name=spec.org, country=spec.country).first()
        if (
            organisation is None
            or Practice.objects.filter(
                organisation=organisation, translations__title=spec.fields["title"]
            ).exists()
        ):
            continue
        practice = practice_create(by=DEMO, organisation=organisation, data=_data(spec, organisation))
        _take_along(practice, spec, reviewer)
        created += 1
    return created
