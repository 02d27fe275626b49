"""/api/v1/linkage: the candidate duplicate pairs a user may review, by case reference only (no names)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from strom.api.auth import api_user
from strom.audit.services import audit_read
from strom.cases.models import Case
from strom.linkage.access import check_reviewer
from strom.linkage.selectors import open_pairs_for

router = Router(tags=["linkage"])
LIMIT = 200


class PairOut(Schema):
    id: int
    a_ref: str = Field(description="The most recent case of the first person that the user may see")
    a_source_id: str
    b_ref: str
    b_source_id: str
    probability: float = Field(description="Splink's match probability, 0 to 1")


@router.get("/pairs", response=list[PairOut], url_name="linkage_pairs")
def list_pairs(request: HttpRequest) -> list[dict[str, Any]]:
    """Open pairs to review, most likely first (at most 200)."""
    user = api_user(request)
    check_reviewer(user)
    pairs = list(open_pairs_for(user)[:LIMIT])
    ids = {p.person_a_id for p in pairs} | {p.person_b_id for p in pairs}
    refs: dict[int, str] = {}
    for person_id, ref in (
        Case.objects.visible_to(user)
        .filter(person_id__in=ids)
        .order_by("person_id", "-opened_at", "-pk")
        .values_list("person_id", "ref")
    ):
        refs.setdefault(person_id, ref)
    rows = [
        {
            "id": p.pk,
            "a_ref": refs.get(p.person_a_id, ""),
            "a_source_id": p.person_a.source_id,
            "b_ref": refs.get(p.person_b_id, ""),
            "b_source_id": p.person_b.source_id,
            "probability": p.probability,
        }
        for p in pairs
    ]
    if pairs:
        audit_read(
            actor=user,
            object_type="person",
            object_ref="",
            organisation_id=None,
            details={"list": "duplicates", "pairs": [p.pk for p in pairs]},
        )
    return rows
