"""Opening a case, the case and person pages, edits with conflicts, the child presumption, audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.cases.models import Case, IdentityDocument, Person
from strom.cases.tests.factories import hotline_supervisor, make_case, make_person
from strom.cases.tests.pages import case_page_text, case_parts, case_tab_url
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def open_form(cast: Cast, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Jūlija",
        "family_name": "Ivanova",
        "other_names": "Юлия Иванова\nYulia Ivanova",
        "gender": "Feminine",
        "birth_date": "1998-04-02",
        "citizenships": ["UA", "LV"],
        "languages": ["uk", "ru"],
        "contact": "+371 2000 0000",
        "address": "Brīvības iela 1, Rīga",
        "migration_status": "ThirdCountryNationalResident",
        "doc_type": "Passport",
        "number": "FX 123456",
        "issuing_country": "UA",
        "expiry_date": "2030-01-01",
        "held_by_person": "no",
        "organisation": cast.org_a.pk,
        "municipality": cast.riga.pk,
        "forms_of_exploitation": ["ForcedLabour"],
        "owner": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_caseworker_opens_a_case_with_person_and_document(cast: Cast, as_persona: Any) -> None:
    client: Client = as_persona("caseworker_a")
    assert client.get(reverse("cases:open")).status_code == 200
    response = client.post(reverse("cases:open"), open_form(cast))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"ref": case.ref})
    assert case.ref.startswith("LV-RIX-")
    assert case.owner == cast.users["caseworker_a"]
    assert case.forms_of_exploitation == ["ForcedLabour"]
    person = case.person
    assert (person.given_name, person.family_name) == ("Jūlija", "Ivanova")
    assert person.other_names == "Юлия Иванова\nYulia Ivanova"
    assert person.citizenships == ["UA", "LV"]
    assert person.languages == ["uk", "ru"]
    doc = IdentityDocument.objects.get(person=person)
    assert (doc.doc_type, doc.number, doc.issuing_country, doc.held_by_person) == (
        "Passport",
        "FX 123456",
        "UA",
        False,
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"person.create", "person.document_add", "case.open"} <= actions

    assert client.get(response["Location"]).status_code == 200
    body = case_page_text(client, case.ref)
    assert "Jūlija Ivanova" in body
    assert "FX 123456" in body
    assert case.ref in body
    assert "Case opened" in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": "2001-02-30"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"citizenships": ["XX"]}, "citizenships"),
        ({"number": "   --  "}, "number"),
        ({"municipality": "999999"}, "municipality"),
        ({"forms_of_exploitation": ["Nonsense"]}, "forms_of_exploitation"),
    ],
)
def test_bad_input_anywhere_saves_nothing(
    cast: Cast, as_persona: Any, overrides: dict[str, Any], field: str
) -> None:
    client = as_persona("caseworker_a")
    before = AuditEntry.objects.count()
    response = client.post(reverse("cases:open"), open_form(cast, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert not Person.objects.exists()
    assert not IdentityDocument.objects.exists()
    assert not Case.objects.exists()
    assert AuditEntry.objects.count() == before


def test_municipality_outside_the_organisations_country_is_refused(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").post(
        reverse("cases:open"), open_form(cast, municipality=cast.vilnius.pk)
    )
    assert "municipality" in response.context["form"].errors
    assert not Person.objects.exists()


def test_existing_person_is_offered_instead_of_a_duplicate(cast: Cast, as_persona: Any) -> None:
    first = make_case(cast, given_name="Yulia", family_name="Ivanova")
    client = as_persona("caseworker_a")
    response = client.post(reverse("cases:open"), open_form(cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This person may already be recorded" in body
    assert first.ref in body
    assert Person.objects.count() == 1
    assert Case.objects.count() == 1

    response = client.post(reverse("cases:open"), open_form(cast, same_person=str(first.person_id)))
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Case.objects.filter(person=first.person).count() == 2
    # The document entered with the new case is added to the existing person.
    assert first.person.documents.count() == 1


def test_duplicate_found_by_document_number_and_new_person_can_be_confirmed(
    cast: Cast, as_persona: Any
) -> None:
    existing = make_person(cast, given_name="Olena", family_name="Shevchenko")
    from strom.cases.services import case_open, identity_document_add

    identity_document_add(
        by=cast.users["caseworker_a"], person=existing, doc_type="Passport", number="fx123456"
    )
    case_open(by=cast.users["caseworker_a"], person=existing, organisation=cast.org_a, municipality=cast.riga)
    client = as_persona("caseworker_a")
    response = client.post(reverse("cases:open"), open_form(cast))
    assert response.context["duplicates"] == [existing]
    response = client.post(reverse("cases:open"), open_form(cast, same_person="new"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_persons_in_cases_the_user_cannot_see_are_not_suggested(cast: Cast, as_persona: Any) -> None:
    make_case(cast, org="b", given_name="Jūlija", family_name="Ivanova")
    response = as_persona("caseworker_a").post(reverse("cases:open"), open_form(cast))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_presumed_child_is_shown_prominently(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("cases:open"),
        open_form(cast, birth_date="", age_estimate="", age_uncertain="on", believed_child="on"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.is_child
    assert case.child_basis == "presumed"
    body = client.get(response["Location"]).content.decode()
    assert (
        "Handled as a child&#x27;s case: presumed child" in body
        or "Handled as a child's case: presumed child" in body
    )


def test_reasons_to_believe_a_child_without_uncertain_age_is_an_error(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").post(reverse("cases:open"), open_form(cast, believed_child="on"))
    assert "believed_child" in response.context["form"].errors
    assert not Person.objects.exists()


def test_adult_case_shows_no_child_flag(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, birth_date="1990-01-01")
    body = as_persona("caseworker_a").get(reverse("cases:detail", kwargs={"ref": case.ref})).content.decode()
    assert "Handled as a child" not in body


def test_hotline_operator_can_open_a_case_for_a_colleague(cast: Cast, as_persona: Any) -> None:
    colleague = hotline_supervisor(cast)
    hotline = cast.orgs["hotline_lv"]
    response = as_persona("hotline_a").post(
        reverse("cases:open"), open_form(cast, organisation=hotline.pk, owner=str(colleague.pk))
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")
    assert (Case.objects.get().organisation, Case.objects.get().owner) == (hotline, colleague)
    # Not for Riga's social services: a hotline operator opens cases for their own hotline.
    refused = as_persona("hotline_a").post(reverse("cases:open"), open_form(cast))
    assert refused.status_code == 200
    assert Case.objects.count() == 1


def test_case_page_view_is_audited_once(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("supervisor_a")
    client.get(reverse("cases:detail", kwargs={"ref": case.ref}))
    views = AuditEntry.objects.filter(action="case.view", object_ref=case.ref)
    assert views.count() == 1
    entry = views.get()
    assert entry.actor_id == cast.users["supervisor_a"].pk
    assert entry.organisation_id == cast.org_a.pk


def test_lower_case_ref_in_the_url_redirects_to_the_case(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").get(reverse("cases:detail", kwargs={"ref": case.ref.lower()}))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"ref": case.ref})


def test_person_page_shows_documents_and_cases_and_is_audited(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, contact="+371 2999 9999")
    client = as_persona("caseworker_a")
    response = client.get(reverse("cases:person", kwargs={"person_id": case.person_id}))
    assert response.status_code == 200
    assert "+371 2999 9999" in response.content.decode()
    assert case.ref in response.content.decode()
    assert AuditEntry.objects.filter(action="person.view", object_ref=str(case.person_id)).count() == 1


def test_document_added_on_the_person_page(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("cases:document_add", kwargs={"person_id": case.person_id})
    response = client.post(url, {"doc_type": "IdentityCard", "number": "", "held_by_person": "yes"})
    assert "number" in response.context["form"].errors
    response = client.post(
        url, {"doc_type": "IdentityCard", "number": "LT-77", "issuing_country": "LT", "held_by_person": "yes"}
    )
    assert response.status_code == 302
    assert case.person.documents.get().number == "LT-77"
    timeline = client.get(case_tab_url(case.ref, "timeline")).content.decode()
    assert "Identity document added: Identity card" in timeline


def test_another_case_for_the_same_person(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("cases:person_case_open", kwargs={"person_id": case.person_id})
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": cast.org_a.pk, "municipality": cast.riga.pk})
    assert response.status_code == 302
    assert Case.objects.filter(person=case.person).count() == 2


# --- edits and conflicts -----------------------------------------------------------------------------


def person_form(person: Person, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "other_names": person.other_names,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "age_estimate": "" if person.age_estimate is None else person.age_estimate,
        "citizenships": person.citizenships,
        "languages": person.languages,
        "contact": person.contact,
        "address": person.address,
        "migration_status": person.migration_status,
        "version": person.version,
    }
    data.update(overrides)
    return data


def test_person_edit_saves_and_is_audited(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, given_name="Anna", family_name="Berzina")
    client = as_persona("caseworker_a")
    url = reverse("cases:person_edit", kwargs={"person_id": case.person_id})
    assert client.get(url).status_code == 200
    response = client.post(url, person_form(case.person, family_name="Bērziņa", contact="+371 1"))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.family_name == "Bērziņa"
    assert person.version == 2
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.details == {"fields": ["contact", "family_name"]}
    assert "Bērziņa" not in str(entry.details)


def test_second_person_edit_gets_the_conflict_table_and_the_first_is_kept(
    cast: Cast, as_persona: Any
) -> None:
    case = make_case(cast, given_name="Anna", family_name="Berzina", contact="+371 0")
    person = case.person
    first, second = as_persona("caseworker_a"), as_persona("supervisor_a")
    url = reverse("cases:person_edit", kwargs={"person_id": person.pk})
    form_first = person_form(person, contact="+371 1111")
    form_second = person_form(person, contact="+371 2222", address="Elsewhere 2")
    assert first.post(url, form_first).status_code == 302
    response = second.post(url, form_second)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved changes while you were editing" in body
    rows = {row["field"]: row for row in response.context["conflict"]}
    assert rows["contact"]["stored"] == "+371 1111"
    assert rows["contact"]["submitted"] == "+371 2222"
    assert rows["address"]["submitted"] == "Elsewhere 2"
    assert "given_name" not in rows
    person.refresh_from_db()
    assert person.contact == "+371 1111"
    assert person.address == ""
    assert person.version == 2
    # The form now carries the stored version: saving again is a deliberate overwrite.
    assert response.context["form"].data["version"] == "2"
    assert second.post(url, {**form_second, "version": 2}).status_code == 302
    person.refresh_from_db()
    assert person.contact == "+371 2222"


def case_form(case: Case, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "municipality": case.municipality_id,
        "forms_of_exploitation": case.forms_of_exploitation,
        "version": case.version,
    }
    data.update(overrides)
    return data


def test_case_edit_conflict_shows_both_values(cast: Cast, as_persona: Any) -> None:
    from strom.directory.models import Municipality

    daugavpils = Municipality.objects.create(country="LV", name="Daugavpils", code="DGP")
    case = make_case(cast, forms_of_exploitation=["ForcedLabour"])
    url = reverse("cases:edit", kwargs={"ref": case.ref})
    first, second = as_persona("caseworker_a"), as_persona("supervisor_a")
    assert first.post(url, case_form(case, municipality=daugavpils.pk)).status_code == 302
    response = second.post(url, case_form(case, forms_of_exploitation=["SexualExploitation"], owner=""))
    assert response.status_code == 409
    rows = {row["field"]: row for row in response.context["conflict"]}
    assert rows["municipality"]["stored"] == str(daugavpils)
    assert rows["forms_of_exploitation"]["stored"] == "Forced labour"
    assert rows["forms_of_exploitation"]["submitted"] == "Sexual exploitation"
    case.refresh_from_db()
    assert case.municipality == daugavpils
    assert case.forms_of_exploitation == ["ForcedLabour"]


def test_only_a_supervisor_can_reassign(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    url = reverse("cases:edit", kwargs={"ref": case.ref})
    worker = as_persona("caseworker_a")
    assert "owner" not in worker.get(url).context["form"].fields
    worker.post(url, case_form(case, owner=cast.users["supervisor_a"].pk))
    case.refresh_from_db()
    assert case.owner == cast.users["caseworker_a"]
    response = as_persona("supervisor_a").post(url, case_form(case, owner=cast.users["supervisor_a"].pk))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == cast.users["supervisor_a"]
    assert AuditEntry.objects.filter(action="case.update", object_ref=case.ref).exists()


# --- query counts ------------------------------------------------------------------------------------

# The case page opens on its overview, which reads only what its lines need: the case with its person,
# the open tasks, the decision the next move waits for, the consent records, the referrals counted, the
# audit read (the practices for the stage are counted once and kept in the cache). The single page it
# replaced read every part of the case and its timeline read most of them again (48 queries); the
# parts now load with their tabs.
CASE_OVERVIEW_QUERIES = 11
SINGLE_CASE_PAGE_QUERIES = 48


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _case_with_many_rows(cast: Cast) -> Case:
    from strom.cases.services import identity_document_add, person_update

    worker = cast.users["caseworker_a"]
    big = make_case(cast)
    for i in range(5):
        identity_document_add(by=worker, person=big.person, doc_type="Passport", number=f"P{i}")
        make_case(cast, person=big.person)
    person = big.person
    for i in range(3):
        person = person_update(by=worker, person=person, version=person.version, contact=f"+371 {i}")
    return big


def test_case_overview_reads_a_fixed_few_queries(
    cast: Cast, as_persona: Any, django_assert_num_queries: Any
) -> None:
    client = as_persona("caseworker_a")
    small = make_case(cast)
    baseline = _queries(client, case_tab_url(small.ref))
    big = _case_with_many_rows(cast)
    assert _queries(client, case_tab_url(big.ref)) == baseline
    with django_assert_num_queries(CASE_OVERVIEW_QUERIES):
        client.get(case_tab_url(big.ref))
    assert CASE_OVERVIEW_QUERIES * 3 < SINGLE_CASE_PAGE_QUERIES


def test_each_tab_and_the_printed_file_read_a_fixed_number_of_queries(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    small = make_case(cast)
    big = _case_with_many_rows(cast)
    for part in case_parts():
        assert _queries(client, case_tab_url(big.ref, part)) == _queries(
            client, case_tab_url(small.ref, part)
        ), part
    print_small = _queries(client, reverse("cases:print", kwargs={"ref": small.ref}))
    assert _queries(client, reverse("cases:print", kwargs={"ref": big.ref})) == print_small


# --- navigation and dashboard ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("caseworker_a", True),
        ("supervisor_b", True),
        ("hotline_a", True),
        ("orgadmin_a", False),
        ("analyst_a", False),
    ],
)
def test_cases_link_in_the_navigation_only_for_people_who_work_on_cases(
    as_persona: Any, persona: str, shown: bool
) -> None:
    body = as_persona(persona).get(reverse("core:dashboard")).content.decode()
    assert (f'href="{reverse("cases:list")}"' in body) is shown


def test_dashboard_lists_my_open_cases_soonest_due_first_without_names(cast: Cast, as_persona: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    later = make_case(cast, given_name="Ilze", family_name="Ozola")
    sooner = make_case(cast)
    not_mine = make_case(cast, owner=cast.users["supervisor_a"])
    today = timezone.localdate()
    Case.objects.filter(pk=later.pk).update(next_due_at=today + dt.timedelta(days=9))
    Case.objects.filter(pk=sooner.pk).update(next_due_at=today - dt.timedelta(days=1))
    before = AuditEntry.objects.count()
    response = as_persona("caseworker_a").get(reverse("core:dashboard"))
    assert [c.ref for c in response.context["my_cases"]] == [sooner.ref, later.ref]
    body = response.content.decode()
    assert not_mine.ref not in body
    assert "Ozola" not in body
    assert "overdue" in body
    assert AuditEntry.objects.count() == before  # no personal data shown, no read recorded
