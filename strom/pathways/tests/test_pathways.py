"""Referral pathways: services, who keeps them, the pages (diagram, list, sheet) and the API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.core.roles import OrgType
from strom.directory.models import Organisation
from strom.pathways.access import can_edit_pathway
from strom.pathways.models import Pathway, PathwayStage
from strom.pathways.services import PathwayConflict, StepData, pathway_save
from tests.personas import Cast


def _riga_pathway(cast: Cast) -> Pathway:
    # Given out of chain order on purpose: the stored order must follow the chain, not the input.
    return pathway_save(
        by=cast.coordinator_a,
        municipality=cast.riga,
        version=0,
        steps=[
            StepData(stage=PathwayStage.ASSISTANCE, lead_agency=cast.org_a, time_limit_days=30),
            StepData(
                stage=PathwayStage.DETECTION,
                agency_name="State Police",
                contact_role="Duty officer",
                contact_phone="+371 2000 0000",
                time_limit_days=1,
            ),
            StepData(stage=PathwayStage.REFLECTION, agency_name="Shelter service provider"),
        ],
    )


# --- services ---


def test_steps_are_kept_in_the_order_of_the_chain_of_assistance(cast: Cast) -> None:
    pathway = _riga_pathway(cast)
    assert [s.stage for s in pathway.steps.all()] == ["detection", "reflection", "assistance"]
    assert pathway.version == 1
    entry = AuditEntry.objects.get(action="pathway.create")
    assert entry.details["stages"] == ["detection", "reflection", "assistance"]
    assert "State Police" not in json.dumps(entry.details)


def test_a_negative_time_limit_is_refused_and_nothing_is_saved(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        pathway_save(
            by=cast.coordinator_a,
            municipality=cast.riga,
            version=0,
            steps=[StepData(stage=PathwayStage.DETECTION, agency_name="State Police", time_limit_days=-1)],
        )
    assert not Pathway.objects.exists()


def test_a_step_without_a_lead_agency_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="lead agency"):
        pathway_save(
            by=cast.coordinator_a,
            municipality=cast.riga,
            version=0,
            steps=[StepData(stage=PathwayStage.DETECTION)],
        )


def test_saving_with_an_old_version_is_a_conflict(cast: Cast) -> None:
    pathway = _riga_pathway(cast)
    step = StepData(stage=PathwayStage.DETECTION, agency_name="State Police")
    pathway_save(by=cast.orgadmin_a, municipality=cast.riga, version=pathway.version, steps=[step])
    with pytest.raises(PathwayConflict) as exc:
        pathway_save(by=cast.coordinator_a, municipality=cast.riga, version=pathway.version, steps=[step])
    assert exc.value.stored_version == 2
    assert Pathway.objects.get().steps.count() == 1


# --- who keeps it ---


def test_the_national_coordinator_of_the_country_may_edit(cast: Cast) -> None:
    assert can_edit_pathway(cast.coordinator_a, cast.riga)
    assert not can_edit_pathway(cast.coordinator_b, cast.riga)
    assert can_edit_pathway(cast.coordinator_b, cast.vilnius)


def test_the_admin_of_the_municipal_organisation_may_edit_only_its_municipality(cast: Cast) -> None:
    assert can_edit_pathway(cast.orgadmin_a, cast.riga)
    assert not can_edit_pathway(cast.orgadmin_a, cast.vilnius)
    # Org B is an NGO in Vilnius, not the municipality: its admin does not keep Vilnius' pathway.
    assert cast.org_b.org_type == OrgType.NGO
    assert not can_edit_pathway(cast.orgadmin_b, cast.vilnius)
    assert not can_edit_pathway(cast.caseworker_a, cast.riga)


def test_a_coordinator_of_another_country_gets_404_on_the_edit_page(cast: Cast, as_persona: Any) -> None:
    url = reverse("pathways:edit", kwargs={"municipality_id": cast.riga.pk})
    assert as_persona("coordinator_b").get(url).status_code == 404
    assert as_persona("coordinator_a").get(url).status_code == 200
    assert as_persona("orgadmin_a").get(url).status_code == 200


def test_an_inactive_municipal_organisation_gives_no_right_to_edit(cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.org_a.pk).update(is_active=False)
    assert not can_edit_pathway(cast.orgadmin_a, cast.riga)


# --- pages ---


def test_the_diagram_is_an_accessible_svg_with_one_box_per_step(cast: Cast, as_persona: Any) -> None:
    _riga_pathway(cast)
    html = as_persona("caseworker_b").get(reverse("pathways:detail", args=[cast.riga.pk])).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="pathway-title pathway-desc"' in svg
    assert re.search(r'<title id="pathway-title">[^<]*Rīga', svg)
    assert svg.count("<rect") == 3
    assert svg.count("<line") == 2  # arrows between the boxes
    assert "style=" not in html


def test_the_list_under_the_diagram_has_the_same_steps_in_the_same_order(cast: Cast, as_persona: Any) -> None:
    _riga_pathway(cast)
    html = as_persona("caseworker_a").get(reverse("pathways:detail", args=[cast.riga.pk])).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    listed = html[html.index('<ol class="pathway-steps">') :]
    stages = ["Detection and screening", "Reflection and recovery period", "Assistance and support plan"]
    for part in (svg, listed):
        positions = [part.index(stage) for stage in stages]
        assert positions == sorted(positions)
    for agency in ("State Police", "Shelter service provider", "Riga Social Service"):
        assert agency in svg
        assert agency in listed


def test_the_sheet_lists_who_to_call(cast: Cast, as_persona: Any) -> None:
    _riga_pathway(cast)
    response = as_persona("hotline_a").get(reverse("pathways:sheet", args=[cast.riga.pk]))
    html = response.content.decode()
    assert "Who to call: Rīga" in html
    assert "+371 2000 0000" in html
    assert "Duty officer" in html
    assert "Time limit: 1 day" in html
    assert "last reviewed on" in html


def test_the_list_filters_by_country(cast: Cast, as_persona: Any) -> None:
    _riga_pathway(cast)
    client = as_persona("analyst_a")
    assert [p.municipality.name for p in client.get(reverse("pathways:list")).context["pathways"]] == ["Rīga"]
    assert list(client.get(reverse("pathways:list"), {"country": "LT"}).context["pathways"]) == []


def test_the_edit_page_saves_the_steps_and_leaves_empty_stages_out(cast: Cast, as_persona: Any) -> None:
    url = reverse("pathways:edit", args=[cast.riga.pk])
    response = as_persona("orgadmin_a").post(
        url,
        {
            "version": "0",
            "proceedings-agency_name": "State Police",
            "proceedings-time_limit_days": "10",
            "detection-lead_agency": str(cast.org_a.pk),
        },
    )
    assert response.status_code == 302
    assert [s.stage for s in Pathway.objects.get().steps.all()] == ["detection", "proceedings"]


def test_the_edit_page_shows_a_negative_time_limit_in_the_error_summary(cast: Cast, as_persona: Any) -> None:
    url = reverse("pathways:edit", args=[cast.riga.pk])
    response = as_persona("coordinator_a").post(
        url, {"version": "0", "detection-agency_name": "State Police", "detection-time_limit_days": "-2"}
    )
    assert response.status_code == 200
    assert 'href="#id_detection-time_limit_days"' in response.content.decode()
    assert not Pathway.objects.exists()


def test_the_edit_page_reports_a_conflict(cast: Cast, as_persona: Any) -> None:
    _riga_pathway(cast)
    url = reverse("pathways:edit", args=[cast.riga.pk])
    response = as_persona("orgadmin_a").post(url, {"version": "0", "detection-agency_name": "State Police"})
    assert response.status_code == 200
    assert "Someone else saved this pathway" in response.content.decode()
    assert Pathway.objects.get().version == 1


# --- API ---


def test_api_reads_and_writes_a_pathway_with_its_version(cast: Cast, as_persona: Any) -> None:
    client = as_persona("coordinator_a")
    url = reverse("api:pathway_detail", args=[cast.riga.pk])
    assert client.get(url).json()["version"] == 0
    body = {
        "version": 0,
        "steps": [
            {"stage": "proceedings", "agency_name": "State Police", "time_limit_days": 5},
            {"stage": "detection", "lead_agency_id": cast.org_a.pk},
        ],
    }
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1
    assert [s["stage"] for s in data["steps"]] == ["detection", "proceedings"]
    assert data["steps"][0]["agency"] == "Riga Social Service"
    listed = client.get(reverse("api:pathway_list")).json()["items"]
    assert [(p["municipality"]["code"], p["step_count"]) for p in listed] == [("RIX", 2)]


def test_api_answers_409_problem_on_an_old_version(cast: Cast, as_persona: Any) -> None:
    _riga_pathway(cast)
    response = as_persona("orgadmin_a").put(
        reverse("api:pathway_update", args=[cast.riga.pk]),
        {"version": 0, "steps": [{"stage": "detection", "agency_name": "State Police"}]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["stored_version"] == 1


def test_api_refuses_a_negative_time_limit(cast: Cast, as_persona: Any) -> None:
    response = as_persona("coordinator_a").put(
        reverse("api:pathway_update", args=[cast.riga.pk]),
        {"version": 0, "steps": [{"stage": "detection", "agency_name": "Police", "time_limit_days": -1}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "cannot be negative" in response.content.decode()
    assert not Pathway.objects.exists()


def test_api_coordinator_of_another_country_cannot_write(cast: Cast, as_persona: Any) -> None:
    response = as_persona("coordinator_b").put(
        reverse("api:pathway_update", args=[cast.riga.pk]),
        {"version": 0, "steps": [{"stage": "detection", "agency_name": "State Police"}]},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_pathway_page_needs_the_same_queries_however_many_steps(cast: Cast, as_persona: Any) -> None:
    pathway = _riga_pathway(cast)
    client = as_persona("caseworker_a")
    url = reverse("pathways:detail", args=[cast.riga.pk])
    client.get(url)  # warm the session and translation caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    pathway_save(
        by=cast.coordinator_a,
        municipality=cast.riga,
        version=pathway.version,
        steps=[StepData(stage=stage, lead_agency=cast.org_b) for stage in PathwayStage],
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
