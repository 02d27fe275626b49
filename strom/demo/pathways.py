"""Demo referral pathways for Rīga, Vilnius and Tallinn: institutional contacts only, synthetic numbers.

Lead agencies that are in the demo directory are linked to it; the others are named as text."""

from __future__ import annotations

from strom.audit.actors import DEMO
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import Pathway, PathwayStage
from strom.pathways.services import StepData, pathway_save

S = PathwayStage

# (stage, agency, contact role, phone, e-mail, what to do, time limit in days, legal basis)
Step = tuple[PathwayStage, str, str, str, str, str, int | None, str]

PATHWAYS: dict[tuple[str, str], list[Step]] = {
    ("LV", "RIX"): [
        (
            S.DETECTION,
            "Riga City Social Services",
            "Duty social worker",
            "+371 2000 0001",
            "duty@social.riga.example",
            "Screen with the indicators, record the case, call the hotline for "
            "advice. If a child is involved, inform the Orphan's and Custody Court at once.",
            1,
            "Social Services and Social Assistance Law",
        ),
        (
            S.REASONABLE_GROUNDS,
            "State Police of Latvia, THB Unit",
            "Duty officer",
            "+371 2000 0002",
            "thb@police.example",
            "Report the presumed victim; the police decide on reasonable grounds and "
            "register the criminal proceedings if there are any.",
            3,
            "Criminal Procedure Law",
        ),
        (
            S.REFLECTION,
            "Riga Crisis Shelter",
            "Intake coordinator (24/7)",
            "+371 2000 0003",
            "intake@shelter.riga.example",
            "Arrange safe accommodation, medical and psychological help during the reflection period.",
            30,
            "Cabinet Regulation No. 889 (social rehabilitation)",
        ),
        (
            S.FORMAL_IDENTIFICATION,
            "National THB Coordinator (LV)",
            "NRM desk",
            "+371 2000 0004",
            "nrm@coordinator.lv.example",
            "Send the identification file; the coordinator confirms the status of victim of trafficking.",
            10,
            "National Referral Mechanism guidelines",
        ),
        (
            S.ASSISTANCE,
            "Riga City Social Services",
            "Case worker on duty",
            "+371 2000 0001",
            "duty@social.riga.example",
            "Agree the support plan with the person: housing, health, legal aid, "
            "employment through the State Employment Agency.",
            14,
            "Social Services and Social Assistance Law",
        ),
        (
            S.RESIDENCE_PERMIT,
            "Office of Citizenship and Migration Affairs",
            "Reception desk",
            "+371 2000 0005",
            "info@migration.lv.example",
            "For third-country nationals: apply for the "
            "temporary residence permit for victims of trafficking.",
            30,
            "Immigration Law, Section 23",
        ),
        (
            S.PROCEEDINGS,
            "State Police of Latvia, THB Unit",
            "Investigator on duty",
            "+371 2000 0002",
            "thb@police.example",
            "Accompany the person to interviews; ask for victim protection measures.",
            None,
            "Criminal Procedure Law",
        ),
        (
            S.RETURN_REINTEGRATION,
            "International Organization for Migration, Riga office",
            "Return desk",
            "+371 2000 0006",
            "riga@iom.example",
            "Plan voluntary return or local integration; inform the receiving country's focal point.",
            None,
            "",
        ),
        (
            S.CLOSURE,
            "Riga City Social Services",
            "Case worker",
            "+371 2000 0001",
            "duty@social.riga.example",
            "Close the case with the person; follow up after three and six months.",
            180,
            "",
        ),
    ],
    ("LT", "VNO"): [
        (
            S.DETECTION,
            "Vilnius City Social Services",
            "Duty social worker",
            "+370 6000 0001",
            "duty@social.vilnius.example",
            "Screen with the indicators and call the police duty line.",
            1,
            "",
        ),
        (
            S.REASONABLE_GROUNDS,
            "Police Department, THB Investigation Board",
            "Duty officer",
            "+370 6000 0002",
            "thb@policija.example",
            "Report; the police start a pre-trial investigation.",
            2,
            "Code of Criminal Procedure",
        ),
        (
            S.REFLECTION,
            "Vilnius Women's Shelter",
            "Intake (24/7)",
            "+370 6000 0003",
            "intake@shelter.vilnius.example",
            "Safe accommodation and crisis help.",
            30,
            "",
        ),
        (
            S.ASSISTANCE,
            "Vilnius City Social Services",
            "Case worker on duty",
            "+370 6000 0001",
            "duty@social.vilnius.example",
            "Support plan with employment services and legal aid.",
            14,
            "",
        ),
        (
            S.RESIDENCE_PERMIT,
            "Migration Department",
            "Reception desk",
            "+370 6000 0004",
            "info@migracija.example",
            "Temporary residence permit for victims who cooperate.",
            30,
            "Law on the Legal Status of Aliens",
        ),
        (
            S.CLOSURE,
            "National THB Coordinator (LT)",
            "Coordination desk",
            "+370 6000 0005",
            "nrm@coordinator.lt.example",
            "Report the closed case for the national statistics.",
            None,
            "",
        ),
    ],
    ("EE", "TLL"): [
        (
            S.DETECTION,
            "Estonian Victim Support Hotline",
            "Hotline operator (24/7)",
            "+372 5000 0001",
            "hotline@victimsupport.ee.example",
            "Call for advice and referral.",
            0,
            "",
        ),
        (
            S.REASONABLE_GROUNDS,
            "Police and Border Guard Board",
            "Duty officer",
            "+372 5000 0002",
            "thb@politsei.example",
            "Report the presumed victim.",
            1,
            "Code of Criminal Procedure",
        ),
        (
            S.ASSISTANCE,
            "Tallinn Social Welfare Department",
            "Case worker on duty",
            "+372 5000 0003",
            "duty@social.tallinn.example",
            "Support plan and accommodation.",
            14,
            "Victim Support Act",
        ),
    ],
}


def demo_pathways_load() -> int:
    """Create the demo pathways that do not exist yet; returns how many were created."""
    created = 0
    for (country, code), rows in PATHWAYS.items():
        municipality = Municipality.objects.filter(country=country, code=code).first()
        if municipality is None or Pathway.objects.filter(municipality=municipality).exists():
            continue
        agencies = {o.name: o for o in Organisation.objects.filter(country=country, is_active=True)}
        steps = [
            StepData(
                stage=stage.value,
                lead_agency=agencies.get(agency),
                agency_name="" if agency in agencies else agency,
                contact_role=role,
                contact_phone=phone,
                contact_email=email,
                what_to_do=what,
                time_limit_days=days,
                legal_basis=basis,
            )
            for stage, agency, role, phone, email, what, days, basis in rows
        ]
        pathway_save(by=DEMO, municipality=municipality, version=0, steps=steps)
        created += 1
    return created
