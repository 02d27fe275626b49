"""The role matrix: which role may do what, as data. Deny by default.

A permission held through a membership applies inside that membership's organisation, except where
`GLOBAL_ROLES` says the role acts system-wide. Access functions (`*/access.py`) ask `has_perm` and
nothing else; no view checks a role name directly.

Which roles an organisation may hold depends on its type (`ORG_TYPE_ROLES`, also deny by default):
a shelter's admin must not be able to make anyone a national coordinator. `check_may_hold` is the one
check every way of granting a role goes through.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    # HTCDS 2.0 org_Type value set.
    NGO = "NGO", _("Non-governmental organisation")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Corporate business")
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", _("School or college")
    # STROM's extensions for the chain of assistance.
    MUNICIPALITY = "Municipality", _("Municipality")
    SHELTER = "Shelter", _("Shelter")
    HOTLINE = "Hotline", _("Hotline")
    NATIONAL_COORDINATOR = "NationalCoordinator", _("National coordinator")
    NATIONAL_RAPPORTEUR = "NationalRapporteur", _("National rapporteur")
    LABOUR_INSPECTORATE = "LabourInspectorate", _("Labour inspectorate")
    EMBASSY_CONSULATE = "EmbassyConsulate", _("Embassy or consulate")
    INTERPRETER_SERVICE = "InterpreterService", _("Interpreter service")
    # Universities and research institutes that study trafficking from aggregated figures. HTCDS lets
    # org_Type take custom values, so exports write this value as it is; as a decision-making body
    # (vic_TraffickingStatusDecisionMakingOrg) it never decides and maps to "Other".
    RESEARCH = "ResearchOrganisation", _("Research or academic organisation")


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    ANALYST = "analyst", _("Analyst")
    # The knowledge hub's roles: none of them sees a victim's data.
    KNOWLEDGE_EDITOR = "knowledge_editor", _("Editor of practices and guidelines")
    REVIEWER = "reviewer", _("Practice reviewer")
    EVENT_ORGANISER = "event_organiser", _("Event organiser")
    ACTION_PLAN_OWNER = "action_plan_owner", _("Action plan owner")
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
    # Review the hotline's contacts and tips (a supervisor of the hotline), beside logging them.
    HOTLINE_REVIEW = "hotline.review"
    # Keep the public front door's "know your rights" pages of one's country.
    HOTLINE_PUBLIC_EDIT = "hotline.public_edit"
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
    # Plan and run events (conferences, round tables, trainings) for one's organisation: the programme,
    # registrations and attendance.
    EVENTS_ORGANISE = "events.organise"
    # The knowledge hub. Reading what is published to members is everyone's; what may be read without
    # logging in is an instance setting, not a permission.
    HUB_VIEW = "hub.view"
    # Write practices for one's organisation and submit them for review.
    PRACTICES_EDIT = "practices.edit"
    # Review submitted practices, rate their evidence and publish or return them.
    PRACTICES_REVIEW = "practices.review"
    # Write guidelines for municipalities and their language versions.
    GUIDELINES_EDIT = "guidelines.edit"
    # Record recommendations (of a round table, a report, an assessment) and their addressees.
    RECOMMENDATIONS_EDIT = "recommendations.edit"
    # Keep one's organisation's action plans: measures, indicators and progress reports.
    ACTION_PLANS_EDIT = "action_plans.edit"
    # Baseline assessments: import questionnaires (XLSForm), open rounds for one's organisation, return
    # responses, export them. Comparing submitted answers is every member's (hub.view).
    ASSESSMENTS_MANAGE = "assessments.manage"
    # Answer the assessments sent to one's organisation, with its colleagues who hold it.
    ASSESSMENTS_ANSWER = "assessments.answer"
    # Act as the transnational referral focal point of an organisation the network directory marks as
    # one: send referrals to partner instances, answer those received, agree return plans.
    TRM_FOCAL_POINT = "trm.focal_point"


_EVERYONE = {Perm.DIRECTORY_VIEW, Perm.API_TOKENS, Perm.HUB_VIEW}

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
            Perm.ASSESSMENTS_ANSWER,
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
            Perm.TRM_FOCAL_POINT,
            Perm.ORG_USERS_VIEW,
            Perm.STATS_VIEW,
            Perm.PRACTICES_EDIT,
            Perm.ACTION_PLANS_EDIT,
            Perm.HOTLINE_REVIEW,
            Perm.ASSESSMENTS_ANSWER,
        }
    ),
    Role.HOTLINE_OPERATOR: frozenset(
        _EVERYONE | {Perm.PERSONAL_DATA_VIEW, Perm.HOTLINE_LOG, Perm.CASE_CREATE, Perm.REFERRAL_SEND}
    ),
    Role.NATIONAL_COORDINATOR: frozenset(
        _EVERYONE
        | {
            Perm.PERSONAL_DATA_VIEW,
            Perm.NRM_OVERSEE,
            Perm.STATS_VIEW,
            Perm.STATS_IMPORT,
            Perm.CASE_DECIDE,
            Perm.EVENTS_ORGANISE,
            Perm.PRACTICES_EDIT,
            Perm.PRACTICES_REVIEW,
            Perm.GUIDELINES_EDIT,
            Perm.RECOMMENDATIONS_EDIT,
            Perm.ACTION_PLANS_EDIT,
            Perm.HOTLINE_PUBLIC_EDIT,
            Perm.ASSESSMENTS_MANAGE,
        }
    ),
    Role.ANALYST: frozenset(_EVERYONE | {Perm.STATS_VIEW, Perm.STATS_IMPORT}),
    Role.KNOWLEDGE_EDITOR: frozenset(_EVERYONE | {Perm.PRACTICES_EDIT, Perm.GUIDELINES_EDIT}),
    Role.REVIEWER: frozenset(_EVERYONE | {Perm.PRACTICES_REVIEW}),
    Role.EVENT_ORGANISER: frozenset(_EVERYONE | {Perm.EVENTS_ORGANISE, Perm.RECOMMENDATIONS_EDIT}),
    Role.ACTION_PLAN_OWNER: frozenset(_EVERYONE | {Perm.ACTION_PLANS_EDIT, Perm.ASSESSMENTS_ANSWER}),
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
            Perm.EVENTS_ORGANISE,
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


# Which roles an organisation of each type may hold; a type not listed holds none. Every type may have
# its own admin (users and its directory entry). docs/security.md gives the reasons for each row.
# The knowledge hub's roles touch no victim's data, so any organisation may hold them.
_HUB = frozenset({Role.KNOWLEDGE_EDITOR, Role.REVIEWER, Role.EVENT_ORGANISER, Role.ACTION_PLAN_OWNER})
_CASEWORK = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN}) | _HUB
ORG_TYPE_ROLES: dict[OrgType, frozenset[Role]] = {
    OrgType.MUNICIPALITY: _CASEWORK,
    OrgType.LOCAL_GOVERNMENT: _CASEWORK,
    OrgType.NGO: _CASEWORK,
    OrgType.SHELTER: _CASEWORK,
    OrgType.LAW_ENFORCEMENT: _CASEWORK,
    OrgType.LABOUR_INSPECTORATE: _CASEWORK,
    OrgType.IMMIGRATION_SERVICE: _CASEWORK,
    OrgType.HEALTH_SERVICE: _CASEWORK,
    OrgType.LEGAL_SERVICE: _CASEWORK,
    OrgType.EMBASSY_CONSULATE: _CASEWORK,
    OrgType.INTERPRETER_SERVICE: _CASEWORK,
    OrgType.HOTLINE: frozenset({Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.ORG_ADMIN}) | _HUB,
    OrgType.NATIONAL_COORDINATOR: frozenset({Role.NATIONAL_COORDINATOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN})
    | _HUB,
    OrgType.NATIONAL_RAPPORTEUR: frozenset({Role.ANALYST, Role.ORG_ADMIN}) | _HUB,
    OrgType.RESEARCH: frozenset({Role.ANALYST, Role.ORG_ADMIN}) | _HUB,
    OrgType.CENTRAL_GOVERNMENT: frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN}) | _HUB,
    OrgType.CORPORATE_BUSINESS: frozenset({Role.ORG_ADMIN}) | _HUB,
    OrgType.SCHOOL_OR_COLLEGE: frozenset({Role.ORG_ADMIN}) | _HUB,
}


def roles_held_by(org_type: str) -> frozenset[Role]:
    try:
        return ORG_TYPE_ROLES.get(OrgType(org_type), frozenset())
    except ValueError:
        return frozenset()


def may_hold(org_type: str, role: str) -> bool:
    return role in roles_held_by(org_type)


def org_type_refusal(org_type: str, role: str) -> str:
    """Why an organisation of this type cannot hold this role, naming the roles it can hold."""
    allowed = [str(r.label) for r in Role if r in roles_held_by(org_type)]
    return gettext(
        "An organisation of the type “%(type)s” cannot have the role “%(role)s”. "
        "Roles it can have: %(allowed)s."
    ) % {
        "type": _label(OrgType, org_type),
        "role": _label(Role, role),
        "allowed": ", ".join(allowed) or pgettext("no roles", "none"),
    }


def check_may_hold(org_type: str, *roles: str) -> None:
    """The one check that an organisation of `org_type` may hold each role: invitations, memberships,
    the pages and the API all go through it. Raises a ValidationError on the `role` field."""
    refused = [role for role in roles if not may_hold(org_type, role)]
    if refused:
        raise ValidationError({"role": [org_type_refusal(org_type, role) for role in refused]})


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


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


def org_type_roles_markdown() -> str:
    """Which roles each organisation type may hold, as a Markdown table for docs/security.md."""
    roles = list(Role)
    header = "| organisation type | " + " | ".join(str(r.value) for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| `{org_type.value}` | " + " | ".join("✔" if may_hold(org_type, r) else "" for r in roles) + " |"
        for org_type in OrgType
    ]
    return "\n".join([header, rule, *rows])
