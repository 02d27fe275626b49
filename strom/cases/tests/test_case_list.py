"""The case list as people expect it: sortable columns (whitelisted keys, stable keyset pages per sort,
aria-sort), the list as a CSV or XLSX file of exactly the visible cases (audited as a read), saved
filters per user, and the lean filter form (labels and ids as before)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from strom.accounts.models import Membership
from strom.accounts.services import membership_set_active, user_update_profile
from strom.audit.models import AuditEntry
from strom.cases.forms import CaseFilterForm
from strom.cases.models import Case, SavedCaseFilter
from strom.cases.selectors import PICK_LISTS_GENERATION, CaseFilters, case_list, parse_sort
from strom.cases.services_lists import saved_filter_save
from strom.cases.tests.factories import make_case
from strom.cases.views_list import pick_lists_key
from strom.directory.models import Municipality
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _dated(cast: Cast, n: int) -> list[Case]:
    """n cases of org A; every other one without a due date, the rest due on different days."""
    cases = [make_case(cast, family_name=f"Paraugs{i}") for i in range(n)]
    for i, case in enumerate(cases):
        due = dt.date(2026, 1, 1) + dt.timedelta(days=(7 * i) % 11) if i % 2 else None
        Case.objects.filter(pk=case.pk).update(next_due_at=due)
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))


# --- sorting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["ref", "-ref", "due", "-due", "stage", "-stage", "municipality", "opened"])
def test_pages_of_a_sorted_list_neither_repeat_nor_skip(cast: Cast, sort: str) -> None:
    cases = _dated(cast, 9)
    user = cast.users["caseworker_a"]
    seen: list[str] = []
    page = case_list(user, CaseFilters(), limit=2, sort=sort)
    seen += page.refs
    while page.next_cursor:
        page = case_list(user, CaseFilters(), cursor=page.next_cursor, limit=2, sort=sort)
        seen += page.refs
    assert sorted(seen) == sorted(c.ref for c in cases)
    assert len(seen) == len(set(seen))
    # Back from the last page: the same pages in reverse.
    back = list(page.refs)
    while page.prev_cursor:
        page = case_list(user, CaseFilters(), cursor=page.prev_cursor, limit=2, sort=sort)
        back = page.refs + back
    assert back == seen


def test_due_sort_puts_cases_without_a_date_last_both_ways(cast: Cast) -> None:
    _dated(cast, 6)
    user = cast.users["caseworker_a"]
    for sort in ("due", "-due"):
        rows = case_list(user, CaseFilters(), sort=sort).rows
        dues = [c.next_due_at for c in rows]
        dated = [d for d in dues if d is not None]
        assert dues == dated + [None] * (len(dues) - len(dated))
        assert dated == sorted(dated, reverse=sort.startswith("-"))


def test_a_cursor_of_another_sort_gives_the_first_page(cast: Cast) -> None:
    _dated(cast, 5)
    user = cast.users["caseworker_a"]
    by_ref = case_list(user, CaseFilters(), limit=2, sort="ref")
    first_by_due = case_list(user, CaseFilters(), limit=2, sort="due")
    assert (
        case_list(user, CaseFilters(), cursor=by_ref.next_cursor, limit=2, sort="due").refs
        == first_by_due.refs
    )


@pytest.mark.parametrize("bad", ["person", "owner", "-", "--ref", "ref;drop", "person__family_name"])
def test_only_whitelisted_sort_keys_are_accepted(bad: str) -> None:
    assert parse_sort(bad) is None


def test_the_page_refuses_a_bad_sort_key_in_words_and_shows_newest_first(cast: Cast, as_persona: Any) -> None:
    cases = _dated(cast, 3)
    response = as_persona("caseworker_a").get(reverse("cases:list"), {"sort": "person__family_name"})
    assert response.status_code == 200
    assert "cannot be sorted by “person__family_name”" in response.content.decode()
    assert [c.ref for c in response.context["page"].rows] == [c.ref for c in reversed(cases)]


def test_headers_carry_aria_sort_and_links_keep_the_filters(cast: Cast, as_persona: Any) -> None:
    _dated(cast, 3)
    response = as_persona("caseworker_a").get(reverse("cases:list"), {"sort": "-due", "stage": "screening"})
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    assert html.count("aria-sort=") == 1
    # The due column's link turns the order round; every link keeps the stage filter.
    assert "stage=screening&amp;sort=due" in html
    assert "stage=screening&amp;sort=ref" in html
    # The filter form carries the sort, so filtering keeps it.
    assert '<input type="hidden" name="sort" value="-due">' in html


def test_paging_keeps_the_sort(cast: Cast, as_persona: Any, monkeypatch: Any) -> None:
    from functools import partial

    from strom.cases import views_list

    _dated(cast, 4)
    monkeypatch.setattr(views_list, "case_list", partial(case_list, limit=2))
    response = as_persona("caseworker_a").get(reverse("cases:list"), {"sort": "ref"})
    page = response.context["page"]
    assert page.next_cursor
    assert "?sort=ref&amp;cursor=" in response.content.decode()


# --- the lean filter form ------------------------------------------------------------------------------


def test_the_filter_form_keeps_its_labels_ids_and_choices(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get(reverse("cases:list"), {"stage": "reflection", "overdue": "on"})
    html = response.content.decode()
    for name in ("q", "stage", "overdue", "owner", "municipality", "exploitation", "child"):
        assert f'<label for="id_{name}">' in html
        assert f'id="id_{name}"' in html
    assert '<option value="reflection" selected>' in html
    assert 'name="overdue" id="id_overdue" checked' in html
    assert 'aria-describedby="id_q_helptext"' in html
    # Colleagues by name, not e-mail address.
    assert ">Supervisor A</option>" in html
    assert "supervisor_a@example.test</option>" not in html


def test_the_worker_and_municipality_pick_lists_are_in_name_order(cast: Cast, as_persona: Any) -> None:
    html = as_persona("caseworker_a").get(reverse("cases:list")).content.decode()
    select = re.search(r'<select name="owner".*?</select>', html, re.S)
    assert select
    workers = re.findall(r'<option value="\d+">([^<]+)</option>', select.group(0))
    assert len(workers) > 1
    # The names are encrypted in the database, which cannot order them.
    assert workers == sorted(workers, key=str.casefold)
    select = re.search(r'<select name="municipality".*?</select>', html, re.S)
    assert select
    first = r'<option value="" selected>Any</option><option value="\d+">Rīga \(LV\)</option>'
    assert re.search(first, select.group(0))


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select.group(0))


def test_the_kept_pick_lists_follow_every_change_on_the_next_page(
    cast: Cast, as_persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The pick-lists are kept in the cache: a rename, a membership ended, a new municipality and an
    # organisation's move to another country must reach the very next page anyway.
    client = as_persona("caseworker_a")

    def page() -> str:
        return str(client.get(reverse("cases:list")).content.decode())

    before = _options(page(), "owner")
    assert before == _options(page(), "owner")
    colleague = cast.users["supervisor_a"]
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(by=colleague, full_name="Zelma Ābele", language=colleague.language)
    assert "Zelma Ābele" in _options(page(), "owner")
    with django_capture_on_commit_callbacks(execute=True):
        membership = Membership.objects.get(user=colleague, organisation=cast.org_a)
        membership_set_active(by=cast.users["orgadmin_a"], membership=membership, active=False)
    assert "Zelma Ābele" not in _options(page(), "owner")
    with django_capture_on_commit_callbacks(execute=True):
        Municipality.objects.create(country="LV", name="Jūrmala", code="JUR")
    assert "Jūrmala (LV)" in _options(page(), "municipality")
    with django_capture_on_commit_callbacks(execute=True):
        cast.org_a.country = "LT"
        cast.org_a.save(update_fields=["country"])
    assert "Vilnius (LT)" in _options(page(), "municipality")


def test_the_kept_pick_lists_hold_no_name_in_clear_and_a_sign_in_keeps_them(
    cast: Cast, as_persona: Any
) -> None:
    client = as_persona("caseworker_a")
    client.get(reverse("cases:list"))
    token = cache.get(PICK_LISTS_GENERATION)
    form = CaseFilterForm(None, user=cast.users["caseworker_a"])
    with translation.override("en"):
        kept = cache.get(pick_lists_key(form))
    assert kept is not None
    assert kept[0] == token
    names = [cast.users["caseworker_a"].get_full_name(), cast.users["supervisor_a"].get_full_name()]
    assert all(name and name not in repr(kept) for name in names)
    # A sign-in saves the last sign-in time alone, which no pick-list shows.
    user = cast.users["supervisor_a"]
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert cache.get(PICK_LISTS_GENERATION) == token


def test_a_bad_filter_value_is_an_error_with_the_field_named(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get(reverse("cases:list"), {"stage": "nonsense"})
    html = response.content.decode()
    assert 'href="#id_stage"' in html
    assert 'id="id_stage" aria-describedby="id_stage_error" aria-invalid="true"' in html


# --- the list as a file --------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_exactly_the_visible_cases_and_is_audited(cast: Cast, as_persona: Any) -> None:
    mine = [
        make_case(cast, family_name="Ozola"),
        make_case(cast, given_name="=HYPERLINK(1)", family_name="X"),
    ]
    make_case(cast, "b", family_name="Jonaitis")
    response = as_persona("caseworker_a").get(
        reverse("cases:list_export", kwargs={"fmt": "csv"}), {"sort": "ref"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _csv(response)
    assert rows[0][:3] == ["Reference", "Person", "Stage"]
    assert [r[0] for r in rows[1:]] == sorted(c.ref for c in mine)
    assert "Jonaitis" not in response.content.decode("utf-8-sig")
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)  # no formula runs
    entry = AuditEntry.objects.filter(actor_id=cast.users["caseworker_a"].pk).latest("id")
    assert entry.action == "case.view"
    assert entry.details["list"] == "export-csv"
    assert sorted(entry.details["refs"]) == sorted(c.ref for c in mine)


def test_the_file_follows_the_filters_and_another_org_sees_its_own(cast: Cast, as_persona: Any) -> None:
    make_case(cast, family_name="Ozola")
    theirs = make_case(cast, "b", family_name="Jonaitis")
    rows = _csv(as_persona("caseworker_b").get(reverse("cases:list_export", kwargs={"fmt": "csv"})))
    assert [r[0] for r in rows[1:]] == [theirs.ref]
    rows = _csv(
        as_persona("caseworker_a").get(
            reverse("cases:list_export", kwargs={"fmt": "csv"}), {"stage": "closed"}
        )
    )
    assert rows[1:] == []


def test_the_xlsx_file_opens_with_the_same_rows(cast: Cast, as_persona: Any) -> None:
    from openpyxl import load_workbook

    case = make_case(cast, family_name="Ozola")
    response = as_persona("supervisor_a").get(reverse("cases:list_export", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Reference"
    assert [row[0] for row in values[1:]] == [case.ref]


def test_too_many_rows_or_an_unknown_format_are_refused(
    cast: Cast, as_persona: Any, monkeypatch: Any
) -> None:
    from strom.cases import list_export

    make_case(cast)
    make_case(cast)
    monkeypatch.setattr(list_export, "EXPORT_LIMIT", 1)
    client = as_persona("caseworker_a")
    before = AuditEntry.objects.count()
    response = client.get(reverse("cases:list_export", kwargs={"fmt": "csv"}), follow=True)
    assert "More than 1 cases match" in response.content.decode()
    assert not AuditEntry.objects.filter(pk__gt=before, details__list="export-csv").exists()
    assert client.get(reverse("cases:list_export", kwargs={"fmt": "pdf"})).status_code == 404


# --- saved filters -------------------------------------------------------------------------------------


def test_saving_keeps_filter_values_only_and_reapplies(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("cases:filter_save"),
        {"name": "  My   reflection ", "stage": "reflection", "q": "Ivanova", "sort": "due", "cursor": "x"},
    )
    saved = SavedCaseFilter.objects.get(user=cast.users["caseworker_a"])
    assert saved.name == "My reflection"
    assert saved.query == "stage=reflection&sort=due"  # no search text: it may be a name
    assert response["Location"] == reverse("cases:list") + "?stage=reflection&sort=due"
    page = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("cases:list")}?stage=reflection&amp;sort=due">My reflection</a>' in page
    assert AuditEntry.objects.filter(action="case_filter.save", object_ref=str(saved.pk)).exists()


def test_saving_under_the_same_name_replaces(cast: Cast) -> None:
    user = cast.users["caseworker_a"]
    saved_filter_save(by=user, name="Mine", params={"stage": "reflection"})
    saved_filter_save(by=user, name="Mine", params={"stage": "closed"})
    assert list(SavedCaseFilter.objects.filter(user=user).values_list("query", flat=True)) == ["stage=closed"]


def test_saving_nothing_or_without_a_name_is_refused_in_words(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(reverse("cases:filter_save"), {"name": "Empty", "q": "Ivanova"}, follow=True)
    assert "Choose at least one filter or a sort order to save." in response.content.decode()
    response = client.post(reverse("cases:filter_save"), {"name": " ", "stage": "closed"}, follow=True)
    assert "Give the filter a name." in response.content.decode()
    assert not SavedCaseFilter.objects.exists()


def test_saved_filters_are_their_owners_alone(cast: Cast, as_persona: Any) -> None:
    saved = saved_filter_save(by=cast.users["caseworker_a"], name="Mine", params={"stage": "closed"})
    other = as_persona("supervisor_a")
    assert "Mine</a>" not in other.get(reverse("cases:list")).content.decode()
    url = reverse("cases:filter_delete", kwargs={"saved_id": saved.pk})
    assert other.post(url).status_code == 404
    assert SavedCaseFilter.objects.filter(pk=saved.pk).exists()
    assert as_persona("caseworker_a").post(url).status_code == 302
    assert not SavedCaseFilter.objects.filter(pk=saved.pk).exists()
    assert AuditEntry.objects.filter(action="case_filter.delete", object_ref=str(saved.pk)).exists()


def test_the_results_alone_read_no_choices_and_no_saved_filters(
    cast: Cast, as_persona: Any, django_assert_num_queries: Any
) -> None:
    from strom.cases.tests.test_search import LIST_QUERIES

    make_case(cast, family_name="Ivanova")
    client = as_persona("caseworker_a")
    client.get(reverse("cases:list"))  # warm the session
    # The kept pick-lists are out of date, so reading them would be two queries: the full page less
    # the saved filters, and no pick-list read.
    cache.set(PICK_LISTS_GENERATION, "renewed")
    with django_assert_num_queries(LIST_QUERIES - 1):
        response = client.get(
            reverse("cases:list"), {"q": "Ivanova", "stage": "screening"}, headers={"HX-Request": "true"}
        )
    html = response.content.decode()
    assert "<option" not in html
    assert '<input type="hidden" name="stage" value="screening">' in html  # the save form keeps the filter


@pytest.mark.parametrize("bad", [{"stage": "nonsense"}, {"sort": "person"}, {"owner": "999999"}])
def test_a_filter_the_list_refuses_is_not_saved(cast: Cast, as_persona: Any, bad: dict[str, str]) -> None:
    response = as_persona("caseworker_a").post(
        reverse("cases:filter_save"), {"name": "Bad", **bad}, follow=True
    )
    assert "Correct the filters before saving them." in response.content.decode()
    assert not SavedCaseFilter.objects.exists()
