"""The demo pathways: made through the service, linked to the demo directory, loaded once."""

from __future__ import annotations

import pytest

from strom.demo.accounts import demo_load
from strom.demo.pathways import demo_pathways_load
from strom.pathways.models import Pathway


@pytest.mark.django_db
def test_demo_pathways_for_riga_vilnius_and_tallinn_are_loaded_once() -> None:
    demo_load()
    assert demo_pathways_load() == 3
    assert demo_pathways_load() == 0
    codes = set(Pathway.objects.values_list("municipality__code", flat=True))
    assert codes == {"RIX", "VNO", "TLL"}
    riga = Pathway.objects.get(municipality__code="RIX")
    steps = list(riga.steps.all())
    assert steps[0].stage == "detection"
    assert steps[0].lead_agency is not None
    assert steps[0].lead_agency.name == "Riga City Social Services"
    assert len(steps) == 9
