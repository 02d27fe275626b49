"""`strom hotline`: a disclosure-controlled table on the command line, and the minimisation run now."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from strom.hotline.tests.factories import make_contact
from tests.personas import Cast

pytestmark = pytest.mark.django_db


@override_settings(STROM_STATS_THRESHOLD=3)
def test_stats_withhold_small_counts_and_refuse_an_unknown_country(cast: Cast) -> None:
    for _ in range(3):
        make_contact(cast, topic="labour_rights")
    make_contact(cast, topic="safety")
    out = StringIO()
    call_command("hotline", "stats", "--by", "topic", "--country", "lv", stdout=out)
    lines = dict(line.rsplit(None, 1) for line in out.getvalue().splitlines())
    assert lines["Safety"] == "-"
    assert lines["Total"] == "4"
    with pytest.raises(CommandError, match="not an ISO 3166 country code"):
        call_command("hotline", "stats", "--country", "XX", stdout=StringIO())


def test_minimise_reports_what_it_cleared(cast: Cast) -> None:
    out = StringIO()
    call_command("hotline", "minimise", stdout=out)
    assert out.getvalue().strip() == "0 contacts minimised."
