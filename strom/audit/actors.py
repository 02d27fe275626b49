"""Who acts when no person does: the named system jobs.

A background job or an operator's command changes data as a `SystemActor`, never as `None`, so the
audit log says which job it was ("System: retention job") and a service can tell the system from a user
without a bypass. The name is stored in `AuditEntry.system_actor`; the label is looked up when shown,
so it follows the reader's language. A new job adds its name here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

JOBS: dict[str, Promise] = {
    "action-plan-reminders": _("action plan reminders"),
    "assessment-reminders": _("assessment reminders"),
    "audit-checkpoint": _("audit checkpoint"),
    "backup": _("backup and restore"),
    "case-files": _("case files command"),
    "clock-reminders": _("clock reminders"),
    "clocks": _("legal clocks"),
    "command-line": _("command line"),
    "demo": _("demo data"),
    "hotline-minimise": _("hotline contact minimisation"),
    "hotline-public-form": _("hotline public form"),
    "duplicate-detection": _("duplicate detection"),
    "keys": _("key management"),
    "network-import": _("network import"),
    "person-import": _("person import"),
    "referral-expiry": _("referral expiry"),
    "retention": _("retention job"),
    "screening-recheck": _("screening re-check"),
    "statistics": _("statistics command"),
    "transnational": _("transnational messages"),
    "transnational-retention": _("deletion of ended transnational referrals"),
}


@dataclass(frozen=True)
class SystemActor:
    """A named system job. Not a user: it holds no roles, and services check it by its type."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in JOBS:
            raise ValueError(f"unknown system actor {self.name!r}: add it to strom.audit.actors.JOBS")

    @property
    def label(self) -> str:
        return system_actor_label(self.name)


def system_actor_label(name: str) -> str:
    """'System: retention job', in the current language; an unknown (retired) name is shown as stored."""
    job = JOBS.get(name)
    return gettext("System: %(job)s") % {"job": job if job is not None else name}


ACTION_PLAN_REMINDERS = SystemActor("action-plan-reminders")
ASSESSMENT_REMINDERS = SystemActor("assessment-reminders")
AUDIT_CHECKPOINT = SystemActor("audit-checkpoint")
BACKUP = SystemActor("backup")
CASE_FILES = SystemActor("case-files")
CLOCK_REMINDERS = SystemActor("clock-reminders")
CLOCKS = SystemActor("clocks")
COMMAND_LINE = SystemActor("command-line")
DEMO = SystemActor("demo")
HOTLINE_MINIMISE = SystemActor("hotline-minimise")
# An anonymous visitor of the hotline's public front door: nobody is known, and no address is kept.
HOTLINE_PUBLIC_FORM = SystemActor("hotline-public-form")
DUPLICATE_DETECTION = SystemActor("duplicate-detection")
KEYS = SystemActor("keys")
NETWORK_IMPORT = SystemActor("network-import")
PERSON_IMPORT = SystemActor("person-import")
REFERRAL_EXPIRY = SystemActor("referral-expiry")
RETENTION = SystemActor("retention")
SCREENING_RECHECK = SystemActor("screening-recheck")
STATISTICS = SystemActor("statistics")
TRANSNATIONAL = SystemActor("transnational")
TRANSNATIONAL_RETENTION = SystemActor("transnational-retention")
