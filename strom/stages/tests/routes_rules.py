"""Country rules: every member of an organisation reads them; the country's national coordinators
(coordinator_a for Latvia) and the system admin publish new versions. Merged into routes.py's ROUTES."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from strom.stages.country_rules import shipped_rules
from strom.stages.tests.rules_helpers import ensure_shipped_versions, latvian_reflection_change
from tests.authz import ROLE_PERSONAS, Route, expect
from tests.personas import Cast

READERS = ROLE_PERSONAS  # the outsider has no membership
KEEPERS = ("coordinator_a", "sysadmin")


def _lv(c: Cast) -> dict[str, Any]:
    ensure_shipped_versions()  # a transactional test may have emptied the table the migration filled
    return {"country": "LV"}


def _lv_v1(c: Cast) -> dict[str, Any]:
    ensure_shipped_versions()
    return {"country": "LV", "number": 1}


def _form(c: Cast) -> dict[str, Any]:
    return latvian_reflection_change(
        shipped_rules("LV").items, based_on=1, effective_from=timezone.localdate()
    )


def _json(c: Cast) -> dict[str, Any]:
    return {
        "based_on": 1,
        "effective_from": timezone.localdate().isoformat(),
        "items": {
            "reflection": {"value": {"length": 45, "unit": "days"}},
            "reflection_longest": {"value": {"length": 45, "unit": "days"}},
        },
    }


ROUTES = [
    Route("cases:country_rules", expect=expect(READERS)),
    Route("cases:country_rules_detail", kwargs=_lv, expect=expect(READERS)),
    Route("cases:country_rules_version", kwargs=_lv_v1, expect=expect(READERS)),
    Route("cases:country_rules_edit", kwargs=_lv, expect=expect(KEEPERS)),
    Route("cases:country_rules_edit", method="post", kwargs=_lv, data=_form, expect=expect(KEEPERS, ok=302)),
    Route("api:country_rules_list", expect=expect(READERS, anonymous=401)),
    Route("api:country_rules_detail", kwargs=_lv, expect=expect(READERS, anonymous=401)),
    Route("api:country_rules_version", kwargs=_lv_v1, expect=expect(READERS, anonymous=401)),
    Route(
        "api:country_rules_publish",
        method="post",
        json=True,
        kwargs=_lv,
        data=_json,
        expect=expect(KEEPERS, ok=201, anonymous=401),
    ),
]
