"""The demo cooperation network: services of the demo organisations in the nine demo municipalities.

Contacts are synthetic (example.org addresses, +371 2000 0000-style numbers). Idempotent: a service that
already exists (same organisation and name) is left as it is. Shelters have no address on purpose: the
location of a safe house is kept secret and intake goes through the phone."""

from __future__ import annotations

from typing import Any

from strom.audit.actors import DEMO
from strom.directory.models import Municipality, Organisation
from strom.network.models import NetworkService
from strom.network.models import ServiceType as T
from strom.network.services import service_create, service_update_capacity

WEEKDAYS_9_17 = [{"day": d, "opens": "09:00", "closes": "17:00"} for d in range(5)]
WEEKDAYS_8_20 = [{"day": d, "opens": "08:00", "closes": "20:00"} for d in range(5)]

# (organisation name, country, service fields; "municipalities" as codes, "free" as free places)
SERVICES: list[tuple[str, str, dict[str, Any]]] = [
    ("Riga Crisis Shelter", "LV", {
        "service_type": T.SAFE_ACCOMMODATION, "name": "Crisis shelter for women and children",
        "municipalities": ["RIX"], "languages": ["lv", "ru", "en"], "open_247": True, "capacity": 12,
        "free": 3, "for_children": True, "for_families": True, "for_men": False,
        "phone": "+371 2000 0010", "email": "intake@riga-shelter.example.org",
    }),
    ("Riga Crisis Shelter", "LV", {
        "service_type": T.PSYCHOLOGICAL_HELP, "name": "Psychological counselling",
        "municipalities": ["RIX"], "languages": ["lv", "ru"], "hours": WEEKDAYS_9_17,
        "phone": "+371 2000 0011", "email": "counselling@riga-shelter.example.org",
    }),
    ("Riga City Social Services", "LV", {
        "service_type": T.CHILD_PROTECTION, "name": "Child protection duty service",
        "municipalities": ["RIX"], "languages": ["lv", "ru"], "open_247": True, "for_children": True,
        "for_adults": False, "phone": "+371 2000 0012", "email": "children@riga-social.example.org",
    }),
    ("Riga City Social Services", "LV", {
        "service_type": T.MATERIAL_ASSISTANCE, "name": "Emergency material assistance",
        "municipalities": ["RIX"], "languages": ["lv", "ru", "en"], "hours": WEEKDAYS_8_20,
        "for_families": True, "phone": "+371 2000 0013", "email": "assistance@riga-social.example.org",
    }),
    ("Latvian Anti-Trafficking Hotline", "LV", {
        "service_type": T.COUNSELLING_AND_INFORMATION, "name": "Anti-trafficking hotline",
        "countries": ["LV"], "languages": ["lv", "ru", "en", "uk"], "open_247": True, "for_children": True,
        "trm_focal_point": True, "phone": "+371 2000 0014", "email": "help@lv-hotline.example.org",
        "website": "https://lv-hotline.example.org",
    }),
    ("State Police of Latvia, THB Unit", "LV", {
        "service_type": T.LAW_ENFORCEMENT, "name": "THB unit duty officer", "countries": ["LV"],
        "languages": ["lv", "ru", "en"], "open_247": True, "for_children": True,
        "phone": "+371 2000 0015", "email": "thb@lv-police.example.org",
    }),
    ("State Labour Inspectorate of Latvia", "LV", {
        "service_type": T.LABOUR_INSPECTION, "name": "Labour exploitation reports", "countries": ["LV"],
        "languages": ["lv", "ru", "en"], "hours": WEEKDAYS_9_17,
        "phone": "+371 2000 0016", "email": "reports@lv-labour.example.org",
    }),
    ("National THB Coordinator (LV)", "LV", {
        "service_type": T.COUNSELLING_AND_INFORMATION, "name": "National referral mechanism desk",
        "countries": ["LV"], "languages": ["lv", "en"], "hours": WEEKDAYS_9_17, "nrm_focal_point": True,
        "trm_focal_point": True, "phone": "+371 2000 0017", "email": "nrm@lv-coordinator.example.org",
    }),
    ("Vilnius Women's Shelter", "LT", {
        "service_type": T.SAFE_ACCOMMODATION, "name": "Shelter for women", "municipalities": ["VNO"],
        "languages": ["lt", "ru", "en"], "open_247": True, "capacity": 8, "free": 0, "for_men": False,
        "for_families": True, "phone": "+370 6000 0010", "email": "intake@vilnius-shelter.example.org",
    }),
    ("Vilnius City Social Services", "LT", {
        "service_type": T.INTERPRETATION, "name": "Interpreters on call", "municipalities": ["VNO"],
        "languages": ["lt", "ru", "pl", "uk", "en"], "hours": WEEKDAYS_8_20,
        "phone": "+370 6000 0011", "email": "interpreters@vilnius-social.example.org",
    }),
    ("National THB Coordinator (LT)", "LT", {
        "service_type": T.COUNSELLING_AND_INFORMATION, "name": "NRM and transnational referral desk",
        "countries": ["LT"], "languages": ["lt", "en"], "hours": WEEKDAYS_9_17, "nrm_focal_point": True,
        "trm_focal_point": True, "phone": "+370 6000 0012", "email": "nrm@lt-coordinator.example.org",
    }),
    ("Tallinn Social Welfare Department", "EE", {
        "service_type": T.SAFE_ACCOMMODATION, "name": "Tallinn emergency accommodation",
        "municipalities": ["TLL"], "languages": ["et", "ru", "en"], "open_247": True, "capacity": 10,
        "free": 4, "for_families": True, "phone": "+372 5000 0010", "email": "shelter@tallinn.example.org",
    }),
    ("Estonian Victim Support Hotline", "EE", {
        "service_type": T.COUNSELLING_AND_INFORMATION, "name": "Victim support hotline", "countries": ["EE"],
        "languages": ["et", "ru", "en"], "open_247": True, "for_children": True,
        "phone": "+372 5000 0011", "email": "help@ee-hotline.example.org",
    }),
    ("Helsinki Social Services", "FI", {
        "service_type": T.SOCIAL_CARE, "name": "Social emergency services", "municipalities": ["HEL"],
        "languages": ["fi", "sv", "en"], "open_247": True, "for_children": True, "for_families": True,
        "phone": "+358 40 000 0010", "email": "emergency@helsinki-social.example.org",
    }),
    ("Malmö Social Services", "SE", {
        "service_type": T.SAFE_ACCOMMODATION, "name": "Malmö protected housing", "municipalities": ["MMX"],
        "languages": ["sv", "en", "ar"], "open_247": True, "capacity": 6, "free": 1,
        "phone": "+46 70 000 0010", "email": "housing@malmo-social.example.org",
    }),
    ("Oslo Police District, Trafficking Group", "NO", {
        "service_type": T.LAW_ENFORCEMENT, "name": "Trafficking group", "municipalities": ["OSL"],
        "languages": ["no", "en"], "open_247": True, "for_children": True,
        "phone": "+47 900 00 010", "email": "trafficking@oslo-police.example.org",
    }),
    ("Oslo Welfare Services", "NO", {
        "service_type": T.EMPLOYMENT, "name": "Work and training for survivors", "municipalities": ["OSL"],
        "languages": ["no", "en"], "hours": WEEKDAYS_9_17,
        "phone": "+47 900 00 011", "email": "work@oslo-welfare.example.org",
    }),
    ("Copenhagen Social Services", "DK", {
        "service_type": T.SAFE_ACCOMMODATION, "name": "Copenhagen crisis centre", "municipalities": ["CPH"],
        "languages": ["da", "en"], "open_247": True, "capacity": 14, "free": 5, "for_families": True,
        "phone": "+45 20 00 00 10", "email": "crisis@copenhagen-social.example.org",
    }),
    ("Gdańsk Family Support Centre", "PL", {
        "service_type": T.CHILD_PROTECTION, "name": "Family and child support", "municipalities": ["GDN"],
        "languages": ["pl", "uk", "en"], "hours": WEEKDAYS_8_20, "for_children": True, "for_families": True,
        "phone": "+48 500 000 010", "email": "family@gdansk-support.example.org",
    }),
    ("Hamburg Counselling Centre for Trafficked Persons", "DE", {
        "service_type": T.LEGAL_AID, "name": "Legal counselling", "municipalities": ["HAM"],
        "languages": ["de", "en", "ro", "bg"], "hours": WEEKDAYS_9_17, "trm_focal_point": True,
        "phone": "+49 151 0000 0010", "email": "legal@hamburg-counselling.example.org",
    }),
    ("Hamburg Labour Inspection", "DE", {
        "service_type": T.LABOUR_INSPECTION, "name": "Labour exploitation unit", "municipalities": ["HAM"],
        "languages": ["de", "en"], "hours": WEEKDAYS_9_17,
        "phone": "+49 151 0000 0011", "email": "unit@hamburg-labour.example.org",
    }),
]  # fmt: skip


def demo_network_load() -> int:
    """Create the missing demo services; return how many were created."""
    created = 0
    for org_name, country, spec in SERVICES:
        organisation = Organisation.objects.filter(name=org_name, country=country).first()
        if (
            organisation is None
            or NetworkService.objects.filter(organisation=organisation, name=spec["name"]).exists()
        ):
            continue
        fields = dict(spec)
        codes = fields.pop("municipalities", [])
        free = fields.pop("free", None)
        municipalities = list(Municipality.objects.filter(country=country, code__in=codes))
        service = service_create(by=DEMO, organisation=organisation, municipalities=municipalities, **fields)
        if free is not None:
            service_update_capacity(by=DEMO, service=service, free_places=free)
        created += 1
    return created
