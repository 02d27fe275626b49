"""The role matrix: which role may do what, as data. Deny by default.

A permission held through a membership applies inside that membership's organisation, except where
`GLOBAL_ROLES` says the role acts system-wide. Access functions (`*/access.py`) ask `has_perm` and
nothing else; no view checks a role name directly.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SYSTEM_ADMIN = "system_admin", _("System admin")


class Perm(StrEnum):
    # Identities of victims and presumed victims (cases, persons, notes, documents).
    PERSONAL_DATA_VIEW = "personal_data.view"
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"
    CASE_ASSIGN = "case.assign"
    CASE_DECIDE = "case.decide"
    HOTLINE_LOG = "hotline.log"
    REFERRAL_SEND = "referral.send"
    REFERRAL_RESPOND = "referral.respond"
    # Refer without the person's consent, giving a reason (danger to life, a child at risk).
    REFERRAL_OVERRIDE = "referral.override"
    # National oversight of the referral mechanism: pseudonymised case flow across a country.
    NRM_OVERSEE = "nrm.oversee"
    # Aggregated, disclosure-controlled statistics: never identities.
    STATS_VIEW = "stats.view"
    # Add a dataset everyone with stats.view then counts with: the national rapporteur's office and
    # the coordinator, not every supervisor.
    STATS_IMPORT = "stats.import"
    DIRECTORY_VIEW = "directory.view"
    ORG_EDIT = "org.edit"
    ORG_USERS_VIEW = "org.users.view"
    ORG_USERS_MANAGE = "org.users.manage"
    AUDIT_VIEW_ORG = "audit.view_org"
    AUDIT_VIEW_ALL = "audit.view_all"
    SYSTEM_MANAGE = "system.manage"
    API_TOKENS = "api.tokens"


_EVERYONE = {Perm.DIRECTORY_VIEW, Perm.API_TOKENS}

MATRIX: dict[Role, frozenset[Perm]] = {
    Role.CASE_WORKER: frozenset(
        _EVERYONE
        | {
            Perm.PERSONAL_DATA_VIEW,
            Perm.CASE_VIEW,
            Perm.CASE_CREATE,
            Perm.CASE_EDIT,
            Perm.REFERRAL_SEND,
            Perm.REFERRAL_RESPOND,
        }
    ),
    Role.SUPERVISOR: frozenset(
        _EVERYONE
        | {
            Perm.PERSONAL_DATA_VIEW,
            Perm.CASE_VIEW,
            Perm.CASE_CREATE,
            Perm.CASE_EDIT,
            Perm.CASE_ASSIGN,
            Perm.CASE_DECIDE,
            Perm.REFERRAL_SEND,
            Perm.REFERRAL_RESPOND,
            Perm.REFERRAL_OVERRIDE,
            Perm.ORG_USERS_VIEW,
            Perm.STATS_VIEW,
        }
    ),
    Role.HOTLINE_OPERATOR: frozenset(
        _EVERYONE | {Perm.PERSONAL_DATA_VIEW, Perm.HOTLINE_LOG, Perm.CASE_CREATE, Perm.REFERRAL_SEND}
    ),
    Role.NATIONAL_COORDINATOR: frozenset(
        _EVERYONE
        | {Perm.PERSONAL_DATA_VIEW, Perm.NRM_OVERSEE, Perm.STATS_VIEW, Perm.STATS_IMPORT, Perm.CASE_DECIDE}
    ),
    Role.ANALYST: frozenset(_EVERYONE | {Perm.STATS_VIEW, Perm.STATS_IMPORT}),
    Role.ORG_ADMIN: frozenset(
        _EVERYONE | {Perm.ORG_EDIT, Perm.ORG_USERS_VIEW, Perm.ORG_USERS_MANAGE, Perm.AUDIT_VIEW_ORG}
    ),
    Role.SYSTEM_ADMIN: frozenset(
        _EVERYONE
        | {
            Perm.ORG_EDIT,
            Perm.ORG_USERS_VIEW,
            Perm.ORG_USERS_MANAGE,
            Perm.AUDIT_VIEW_ORG,
            Perm.AUDIT_VIEW_ALL,
            Perm.SYSTEM_MANAGE,
        }
    ),
}

# Roles whose permissions apply in every organisation, not only their own.
GLOBAL_ROLES: frozenset[Role] = frozenset({Role.SYSTEM_ADMIN})

# Any role that can see personal data (victims' or staff members') must log in with a second factor.
# The analyst is the one role that only ever sees aggregated figures.
TWO_FACTOR_ROLES: frozenset[Role] = frozenset(set(Role) - {Role.ANALYST})

# Who may grant which roles: an org admin cannot create system admins.
GRANTABLE_BY: dict[Role, frozenset[Role]] = {
    Role.ORG_ADMIN: frozenset(set(Role) - {Role.SYSTEM_ADMIN}),
    Role.SYSTEM_ADMIN: frozenset(Role),
}


def perms_for(role: str) -> frozenset[Perm]:
    try:
        return MATRIX[Role(role)]
    except ValueError:
        return frozenset()


def matrix_markdown() -> str:
    """The matrix as a Markdown table; docs/security.md embeds it and a test keeps the two equal."""
    roles = list(Role)
    header = "| permission | " + " | ".join(str(r.value) for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| `{perm.value}` | " + " | ".join("✔" if perm in MATRIX[r] else "" for r in roles) + " |"
        for perm in Perm
    ]
    two_factor = (
        "| *two-factor required* | " + " | ".join("✔" if r in TWO_FACTOR_ROLES else "" for r in roles) + " |"
    )
    scope = (
        "| *acts in every organisation* | "
        + " | ".join("✔" if r in GLOBAL_ROLES else "" for r in roles)
        + " |"
    )
    return "\n".join([header, rule, *rows, two_factor, scope])
