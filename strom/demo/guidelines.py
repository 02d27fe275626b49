"""Demo guidelines for municipalities and country profiles' legal framework summaries. Synthetic texts,
written for the demo: one guideline for the whole region, one Latvian one with a Latvian and a Russian
translation, and a Lithuanian draft. Everything is written through the guidelines' services as the
demo's system actor; guidelines that exist (by slug) are skipped, so loading twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from strom.audit.actors import DEMO
from strom.core.roles import OrgType
from strom.directory.models import Organisation
from strom.guidelines.models import CountryProfile, Guideline, GuidelineVersion
from strom.guidelines.services import (
    country_profile_save,
    guideline_create,
    language_add,
    section_add,
    section_text_save,
    version_publish,
    version_text_save,
)
from strom.pathways.models import PathwayStep

Section = tuple[str, str]  # heading, text

GUIDELINES: list[dict[str, Any]] = [
    {
        "country": "",
        "title": "First contact with a presumed victim: a checklist for municipal staff",
        "summary": "What front-line staff of a municipality do in the first hours, wherever in the region.",
        "audience": "Social workers, housing officers and front-desk staff of municipalities",
        "themes": ["identification", "municipal_role", "referral"],
        "sectors": ["municipal", "social_services"],
        "stages": ["detection", "reasonable_grounds"],
        "publish": True,
        "sections": [
            (
                "Recognise the signs",
                "No identity documents, debts to an employer, someone else speaks for the person.",
            ),
            ("Keep the person safe", "Offer a private room and an interpreter. Do not confront a companion."),
            (
                "Call for advice",
                "Call the national hotline or the national coordinator's office before deciding alone.",
            ),
            (
                "Record and refer",
                "Write down what you saw, not what you think. Refer with the person's consent.",
            ),
        ],
        "translations": {},
    },
    {
        "country": "LV",
        "title": "The reflection period in Latvian municipalities",
        "summary": "How a municipality supports a presumed victim during the reflection period.",
        "audience": "Social services of Latvian municipalities",
        "themes": ["assistance", "municipal_role"],
        "sectors": ["social_services"],
        "stages": ["reflection", "assistance"],
        "publish": True,
        "sections": [
            (
                "What the period is for",
                "Time to recover and decide, free from pressure, with a safe place to stay.",
            ),
            (
                "Who pays for what",
                "The state-funded social rehabilitation service covers shelter and counselling.",
            ),
            (
                "What the municipality does",
                "Name a case worker, arrange housing and benefits, inform the person.",
            ),
        ],
        "translations": {
            "lv": (
                "Pārdomu periods Latvijas pašvaldībās",
                [("Kam paredzēts pārdomu periods", "Laiks atgūties un izlemt bez spiediena, drošā vietā.")],
            ),
            "ru": (
                "Период размышления в самоуправлениях Латвии",
                [
                    (
                        "Для чего нужен период размышления",
                        "Время восстановиться и принять решение без давления.",
                    )
                ],
            ),
        },
    },
    {
        "country": "LT",
        "title": "Children in the referral pathway",
        "summary": "A draft: what changes when the presumed victim is a child.",
        "audience": "Child protection and social services",
        "themes": ["children", "referral"],
        "sectors": ["social_services"],
        "stages": ["detection"],
        "publish": False,
        "sections": [("Inform child protection at once", "A child is never sent away to come back later.")],
        "translations": {},
    },
]

PROFILES: dict[str, dict[str, str]] = {
    "LV": {
        "en": "Trafficking in human beings is a crime under the Criminal Law (section 154-1). "
        "Victims receive state-funded social rehabilitation; the national coordinator leads the "
        "referral mechanism and municipalities' social services provide support where the person lives.",
        "lv": "Cilvēku tirdzniecība ir noziegums saskaņā ar Krimināllikumu (154.¹ pants). Upuri saņem valsts "
        "apmaksātu sociālo rehabilitāciju.",
    },
    "LT": {
        "en": "The Criminal Code (article 147) makes trafficking in human beings a crime. Municipalities "
        "coordinate assistance through their social services and accredited NGOs.",
    },
    "EE": {
        "en": "The Penal Code (section 133) covers trafficking in human beings. The Social Insurance Board "
        "organises victim support services, also for presumed victims.",
    },
}


def _owner(country: str) -> Organisation | None:
    """The coordinator's office of the country (of Latvia for a guideline of the whole region)."""
    return (
        Organisation.objects.filter(org_type=OrgType.NATIONAL_COORDINATOR, country=country or "LV")
        .order_by("pk")
        .first()
    )


def _load_one(spec: dict[str, Any]) -> bool:
    owner = _owner(spec["country"])
    if owner is None or Guideline.objects.filter(slug=slugify(spec["title"])[:70]).exists():
        return False
    steps = []
    if spec["country"]:
        steps = list(
            PathwayStep.objects.filter(
                pathway__municipality__country=spec["country"], stage__in=spec["stages"]
            ).order_by("pk")
        )
    guideline = guideline_create(
        by=DEMO,
        organisation=owner,
        title=spec["title"],
        original_language="en",
        country=spec["country"],
        summary=spec["summary"],
        audience=spec["audience"],
        themes=spec["themes"],
        sectors=spec["sectors"],
        stages=spec["stages"],
        steps=steps,
    )
    draft = GuidelineVersion.objects.get(guideline=guideline, status="draft")
    draft.guideline = guideline
    sections = [section_add(by=DEMO, version=draft, heading=h, body=b) for h, b in spec["sections"]]
    for language, (title, texts) in spec["translations"].items():
        language_add(by=DEMO, guideline=guideline, language=language)
        version_text_save(by=DEMO, version=draft, language=language, title=title)
        for section, (heading, body) in zip(sections, texts, strict=False):
            section_text_save(by=DEMO, section=section, language=language, heading=heading, body=body)
    if spec["publish"]:
        version_publish(by=DEMO, version=draft, note="First version.")
    return True


def demo_guidelines_load() -> int:
    """The demo guidelines and country profiles; returns how many guidelines were created."""
    created = sum(_load_one(spec) for spec in GUIDELINES)
    for country, texts in PROFILES.items():
        for language, text in texts.items():
            if not CountryProfile.objects.filter(country=country, language=language).exists():
                country_profile_save(by=DEMO, country=country, language=language, legal_framework=text)
    return created
