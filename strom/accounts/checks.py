"""`strom check`: memberships whose role their organisation's type may not hold (roles.ORG_TYPE_ROLES).

A warning, not an error: the installation keeps running and nothing is removed; a system admin sees the
same list at /accounts/memberships/breaking-the-type-rule/ and decides what each person should be.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning
from django.db import DatabaseError

SHOWN = 20


def check_memberships_fit_org_types(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from strom.accounts.selectors import memberships_breaking_org_types

    try:
        breaking = list(memberships_breaking_org_types()[: SHOWN + 1])
        total = len(breaking) if len(breaking) <= SHOWN else memberships_breaking_org_types().count()
    except DatabaseError:
        # No database yet (before the first migrate) or none reachable: nothing to say about its rows.
        return []
    if not breaking:
        return []
    lines = [
        f"membership {m.pk}: user {m.user_id} as {m.role} in {m.organisation.name}"
        f" ({m.organisation.org_type})"
        for m in breaking[:SHOWN]
    ]
    if total > SHOWN:
        lines.append(f"... and {total - SHOWN} more")
    return [
        Warning(
            f"{total} active membership(s) hold a role their organisation's type may not hold.",
            hint="Change each role or deactivate the membership (listed for system admins at "
            "/accounts/memberships/breaking-the-type-rule/):\n  " + "\n  ".join(lines),
            id="accounts.W001",
        )
    ]
