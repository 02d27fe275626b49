"""The demo cooperation network: made through the service, loaded once."""

from __future__ import annotations

import pytest

from strom.core.roles import OrgType
from strom.demo.network import demo_network_load
from strom.directory.models import Organisation
from strom.network.models import NetworkService
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_demo_network_is_created_once_with_free_places_and_their_time(cast: Cast) -> None:
    Organisation.objects.create(
        name="Riga Crisis Shelter", org_type=OrgType.SHELTER, country="LV", municipality=cast.riga
    )
    assert demo_network_load() == 2
    assert demo_network_load() == 0
    shelter = NetworkService.objects.get(name="Crisis shelter for women and children")
    assert (shelter.capacity, shelter.free_places) == (12, 3)
    assert shelter.free_places_updated_at is not None
    assert list(shelter.municipalities.all()) == [cast.riga]
