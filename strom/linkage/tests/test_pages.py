"""The review pages: a pair side by side, merge, dismiss and undo through the forms."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from strom.cases.models import Case
from strom.linkage.models import CandidatePair, PairStatus, PersonMerge
from strom.linkage.tests.factories import make_pair
from tests.personas import Cast


def test_a_pair_is_shown_side_by_side_and_merged_and_undone(cast: Cast, as_persona: Any) -> None:
    pair = make_pair(cast)
    client = as_persona("caseworker_a")

    listing = client.get(reverse("linkage:list")).content.decode()
    assert "Юлия Иванова" in listing
    assert "Julija Ivanova" in listing
    page = client.get(reverse("linkage:pair", args=[pair.pk])).content.decode()
    for ref in Case.objects.filter(person__in=[pair.person_a, pair.person_b]).values_list("ref", flat=True):
        assert ref in page
    assert "Merge the records" in page

    response = client.post(reverse("linkage:merge", args=[pair.pk]), {"keep": "b"})

    assert response.status_code == 302
    assert Case.objects.filter(person=pair.person_b).count() == 2
    merge = PersonMerge.objects.get(pair=pair)
    assert merge.kept_id == pair.person_b_id
    listing = client.get(reverse("linkage:list")).content.decode()
    assert "Undo the merge" in listing

    client.post(reverse("linkage:undo", args=[merge.pk]))

    assert Case.objects.filter(person=pair.person_a).count() == 1
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN


def test_dismissing_a_pair_takes_it_off_the_list(cast: Cast, as_persona: Any) -> None:
    pair = make_pair(cast)
    client = as_persona("supervisor_a")
    client.post(reverse("linkage:dismiss", args=[pair.pk]))
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.DISMISSED
    assert "No pairs to review." in client.get(reverse("linkage:list")).content.decode()
