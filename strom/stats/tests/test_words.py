"""Statistics in words: pick-lists of labels, downloads with labels, totals and "withheld", errors that
name dimensions as people know them."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from conftest import login_client
from strom.stats.forms import TableForm
from strom.stats.tests.test_pages import cases
from tests.personas import Cast


def test_downloads_have_labels_totals_and_withheld_written_out(cast: Cast, exact_counts: None) -> None:
    cases(cast, women=12, men=3)  # 3 men withheld, and the 12 women, who would give them away
    client = login_client(cast.users["supervisor_a"])
    query = {"by1": "gender", "by2": "child"}
    text = client.get("/stats/table.csv", query).content.decode()
    rows = list(csv.reader(io.StringIO(text.split("\n#", 1)[0])))
    assert rows[0] == ["Sex/gender", "Child or adult", "Number of people"]
    assert ["Male", "Unknown", "withheld"] in rows  # no age recorded in these cases
    assert ["Female", "Unknown", "withheld"] in rows
    assert rows[-1] == ["Total", "Total", "15"]  # the grand total last
    assert ["Male", "Total", "withheld"] in rows  # a margin
    assert not {"Masculine", "Feminine", "gender", "count"} & {cell for row in rows for cell in row}

    book = load_workbook(io.BytesIO(client.get("/stats/table.xlsx", query).content))
    sheet = [list(r) for r in book["table"].iter_rows(values_only=True)]
    assert sheet[0] == ["Sex/gender", "Child or adult", "Number of people"]
    assert ["Male", "Unknown", "withheld"] in sheet
    assert ["Total", "Total", 15] in sheet


def test_filters_are_pick_lists_of_labels_and_the_table_says_them_in_words(
    cast: Cast, exact_counts: None
) -> None:
    cases(cast, women=12, men=0)
    client = login_client(cast.users["analyst_a"])
    page = client.get("/stats/").content.decode()
    assert '<select name="filter1_value"' in page
    assert '<optgroup label="Sex/gender">' in page
    assert '<option value="Feminine">Female</option>' in page
    query = {"by1": "child", "filter1_dimension": "gender", "filter1_value": "Feminine"}
    page = client.get("/stats/", query).content.decode()
    assert "Only where Sex/gender: Female." in page
    assert "gender=Feminine" not in page.split("</form>", 1)[1]


def test_a_range_is_typed_beside_the_pick_list(cast: Cast, exact_counts: None) -> None:
    cases(cast, women=12, men=0)
    client = login_client(cast.users["analyst_a"])
    query = {"by1": "gender", "filter1_dimension": "year", "filter1_range": "2000..2100"}
    page = client.get("/stats/", query).content.decode()
    assert "Only where Year of registration: 2000 to 2100." in page


def test_errors_name_the_dimension_as_people_know_it(cast: Cast) -> None:
    form = TableForm({"by1": "gender", "filter1_dimension": "gender", "filter1_range": "1..2"}, datasets=[])
    assert not form.is_valid()
    assert "Sex/gender cannot be filtered by a range." in str(form.errors)
    form = TableForm({"by1": "gender", "filter1_dimension": "child", "filter1_value": "Elderly"}, datasets=[])
    assert not form.is_valid()
    assert "Child or adult has no value Elderly." in str(form.errors)


def test_the_coordinators_home_page_is_their_dashboard(cast: Cast, exact_counts: None) -> None:
    cases(cast, women=12, men=0)
    home = login_client(cast.users["coordinator_a"]).get("/").content.decode()
    assert '<h2 id="coordinator-panel-title">Coordinator' in home
    assert "<h3>Open cases by stage</h3>" in home
    assert home.index("coordinator-panel-title") < home.index("memberships-heading")
    other = login_client(cast.users["caseworker_a"]).get("/").content.decode()
    assert "coordinator-panel-title" not in other
