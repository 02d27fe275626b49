"""The case page shows each viewer only what they may see: its sections and its timeline alike.

Every persona tries the case page (its overview, every tab and the printed case file) of a case
seeded with an entry of every kind (stage records, tasks, needs, services, consent, a screening, an
event, a perpetrator, an open and a restricted note, a document). Wherever the page opens, entries
every viewer of the case may see are all there, and the perpetrator record and another's restricted
note appear exactly for those whose permissions allow them: no section, timeline entry, link or
title names them otherwise.

Expectations follow the personas' permissions (tests/personas.py), not which organisation each sits
in: one case is seeded in every organisation where a persona may open cases, held by the persona
with the narrowest rights there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Membership, User
from strom.casefile.services import document_upload, event_record, note_add, perpetrator_add
from strom.cases.models import Case
from strom.cases.services import case_open, person_create
from strom.cases.tests.pages import case_page, case_parts, case_tab_url
from strom.consent.services import consent_record
from strom.core.roles import Perm, Role
from strom.directory.models import Municipality, Organisation
from strom.screening.services import screening_create
from strom.stages.services import permit_record, proceeding_record, task_complete, task_create
from strom.support.services import needs_assessment_record, service_plan
from tests.authz import PERSONAS
from tests.personas import Cast

pytestmark = pytest.mark.django_db

PERPETRATOR_NAME = "Valdemars Pretinieks"
RESTRICTED_BODY = "Confided only to the supervisor"
SEEDER = "Seed Supervisor"

# Entries anyone who may open the case sees, in its sections and on its timeline.
EVERY_VIEWER_SEES = (
    "Case opened",
    "Trafficking event recorded: Recruitment",
    f"Note by {SEEDER}",
    "Document uploaded: Medical",
    "Consent given: Receiving assistance and services",
    "Needs assessed",
    "Service recorded: Safe accommodation",
    "Screening: ",
    "Residence permit recorded",
    "Proceedings recorded: Criminal",
    "Task done: Contact the person",
)
# What only those holding case.edit in the case's organisation may see (strom/casefile/access.py).
PERPETRATOR_MARKS = ("Perpetrator record added", PERPETRATOR_NAME, 'id="casefile-perpetrators"')
# Another's restricted note: its author and the supervisors (case.assign) only.
RESTRICTED_MARKS = (f"Restricted note by {SEEDER}", RESTRICTED_BODY)


def _holder(cast: Cast, org: Organisation) -> User | None:
    """The persona in `org` who may open cases with the fewest rights over them (a case they hold is
    the only kind they see), or None when nobody there opens cases."""
    openers = [
        u for name, u in cast.users.items() if name in PERSONAS and u.has_perm_in(Perm.CASE_CREATE, org.pk)
    ]
    openers.sort(key=lambda u: (u.has_perm_in(Perm.CASE_VIEW, org.pk), u.has_perm_in(Perm.CASE_EDIT, org.pk)))
    return openers[0] if openers else None


def _seed(cast: Cast, org: Organisation, holder: User) -> Case:
    """A case of `org` held by `holder`, with an entry of every kind written by a supervisor there."""
    seeder = User.objects.create_user(f"seed-{org.pk}@example.test", full_name=SEEDER)
    Membership.objects.create(user=seeder, organisation=org, role=Role.SUPERVISOR)
    municipality = org.municipality or Municipality.objects.filter(country=org.country).order_by("pk").first()
    assert municipality is not None, f"no municipality in {org.country} for {org}"
    person = person_create(by=holder, organisation=org, given_name="Ilze", family_name="Paraugs")
    case = case_open(by=holder, person=person, organisation=org, municipality=municipality)
    today = timezone.localdate()
    event_record(by=seeder, case=case, event_type="Recruitment")
    perpetrator_add(by=seeder, case=case, name=PERPETRATOR_NAME)
    note_add(by=seeder, case=case, body="Everyone on the case may read this", restricted=False)
    note_add(by=seeder, case=case, body=RESTRICTED_BODY, restricted=True)
    upload = SimpleUploadedFile("report.txt", b"medical report")
    document_upload(by=seeder, case=case, file=upload, title="Clinic report", kind="medical")
    consent_record(by=seeder, case=case, purpose="services", given=True, given_at=today, how="written")
    needs_assessment_record(by=seeder, case=case, assessed_at=today, needs={})
    service_plan(by=seeder, case=case, service_type="SafeAccommodation")
    screening_create(by=seeder, indicator_set_id="ilo-adult-labour", observed=["ADL-DR-01"], case=case)
    permit_record(by=seeder, case=case, basis=["personal_situation"], applied_on=today)
    proceeding_record(by=seeder, case=case, kind="criminal", role="victim")
    task = task_create(
        by=seeder, case=case, title_key="contact_person", due_date=today + dt.timedelta(days=3)
    )
    task_complete(by=seeder, task=task)
    return case


def _page(client: Any, case: Case) -> tuple[int, str]:
    """The overview and every tab, or the overview's refusal, which every tab and the print repeat."""
    status, text = case_page(client, case.ref)
    printed = client.get(reverse("cases:print", kwargs={"ref": case.ref}))
    assert printed.status_code == status
    if status != 200:
        for part in case_parts():
            assert client.get(case_tab_url(case.ref, part)).status_code == status, part
    return status, text


def _printed(client: Any, case: Case) -> str:
    return str(client.get(reverse("cases:print", kwargs={"ref": case.ref})).content.decode())


def _check_marks(persona: str, user: User, case: Case, page: str, shown: dict[str, set[str]]) -> None:
    missing = [entry for entry in EVERY_VIEWER_SEES if entry not in page]
    assert not missing, f"{persona} misses {missing} on {case.ref}"
    org = case.organisation_id
    for key, marks, allowed in (
        ("perpetrators", PERPETRATOR_MARKS, user.has_perm_in(Perm.CASE_EDIT, org)),
        ("restricted", RESTRICTED_MARKS, user.has_perm_in(Perm.CASE_ASSIGN, org)),
    ):
        found = [mark for mark in marks if mark in page]
        if allowed:
            assert found == list(marks), f"{persona} should see {key} on {case.ref}: {found}"
            shown[key].add(persona)
        else:
            assert found == [], f"{persona} must not see {key} on {case.ref}: {found}"
            shown["denied"].add(persona)


def test_case_page_shows_no_entry_of_a_section_the_viewer_may_not_see(cast: Cast, as_persona: Any) -> None:
    orgs = Organisation.objects.order_by("pk")
    cases = [_seed(cast, org, holder) for org in orgs if (holder := _holder(cast, org)) is not None]
    assert len(cases) >= 2

    shown: dict[str, set[str]] = {"perpetrators": set(), "restricted": set(), "denied": set()}
    opened = 0
    for persona in PERSONAS:
        client = as_persona(persona)
        user = cast.users.get(persona)
        for case in cases:
            status, page = _page(client, case)
            may_open = user is not None and Case.objects.visible_to(user).filter(pk=case.pk).exists()
            assert status == (200 if may_open else 404 if user else 302), (persona, case.ref, status)
            if status != 200:
                continue
            assert user is not None
            opened += 1
            for text in (page, _printed(client, case)):
                _check_marks(persona, user, case, text, shown)
    assert opened >= len(cases)
    # The rules bite both ways: a case worker sees perpetrators but not the supervisor's restricted
    # note, the supervisor sees both, and the hotline operator who holds the case sees neither.
    assert {"caseworker_a", "supervisor_a"} <= shown["perpetrators"]
    assert "supervisor_a" in shown["restricted"]
    assert "caseworker_a" not in shown["restricted"]
    assert "hotline_a" in shown["denied"]
    assert "hotline_a" not in shown["perpetrators"] | shown["restricted"]


# The same parts of the case elsewhere: the case file's page and the API's lists.
OTHER_VIEWS = {
    "casefile:overview": (PERPETRATOR_NAME, RESTRICTED_BODY),
    "api:casefile_perpetrator_list": (PERPETRATOR_NAME,),
    "api:casefile_note_list": (RESTRICTED_BODY,),
}


def test_the_case_file_page_and_api_hide_the_same(cast: Cast, as_persona: Any) -> None:
    orgs = Organisation.objects.order_by("pk")
    cases = [_seed(cast, org, holder) for org in orgs if (holder := _holder(cast, org)) is not None]
    checked: set[tuple[str, bool]] = set()
    for persona, user in cast.users.items():
        client = as_persona(persona)
        for case in Case.objects.visible_to(user).filter(pk__in=[c.pk for c in cases]):
            org = case.organisation_id
            may = {
                PERPETRATOR_NAME: user.has_perm_in(Perm.CASE_EDIT, org),
                RESTRICTED_BODY: user.has_perm_in(Perm.CASE_ASSIGN, org),
            }
            for name, marks in OTHER_VIEWS.items():
                response = client.get(reverse(name, kwargs={"ref": case.ref}))
                body = response.content.decode()
                for mark in marks:
                    allowed = may[mark]
                    if allowed:
                        assert response.status_code == 200, (persona, name, response.status_code)
                        assert mark in body, f"{persona} should see {mark!r} in {name}"
                    else:
                        assert mark not in body, f"{persona} must not see {mark!r} in {name}"
                    checked.add((mark, allowed))
    assert checked == {
        (PERPETRATOR_NAME, True),
        (PERPETRATOR_NAME, False),
        (RESTRICTED_BODY, True),
        (RESTRICTED_BODY, False),
    }


def test_a_restricted_note_appears_on_its_authors_timeline(cast: Cast, as_persona: Any) -> None:
    """The author's own restricted note is theirs to see, though they do not supervise."""
    worker = cast.users["caseworker_a"]
    org = next(m.organisation for m in Membership.objects.filter(user=worker))
    person = person_create(by=worker, organisation=org, given_name="Anna", family_name="Paraugs")
    municipality = org.municipality or Municipality.objects.filter(country=org.country).order_by("pk").first()
    assert municipality is not None
    case = case_open(by=worker, person=person, organisation=org, municipality=municipality)
    note_add(by=worker, case=case, body="My own restricted note", restricted=True)
    assert not worker.has_perm_in(Perm.CASE_ASSIGN, org.pk)
    status, page = _page(as_persona("caseworker_a"), case)
    assert status == 200
    assert f"Restricted note by {worker.get_full_name()}" in page
    assert "My own restricted note" in page
