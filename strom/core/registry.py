"""What the apps contribute to pages and jobs that gather every app, without being imported by them.

The foundation offers the lists; each app adds its entries from its `AppConfig.ready()` (see
docs/adding-an-app.md). The case page, the dashboard, the worker and `migrate` read the lists, so none of
them imports the apps above it, and a new app takes part by registering, not by editing them.

- case-page sections (`register_case_section`): a part of a case (stage panel, support, consent, the
  case file, referrals, screenings), each a tab of the case page loaded on demand;
- case glances (`register_case_glance`): what a part of a case adds to the case page's overview (a few
  facts, the actions of the current stage, what is missing), read with as few queries as it can;
- timeline sources (`register_timeline_source`): what a part of a case adds to the case's history;
- dashboard panels (`register_dashboard_panel`): the home page's summaries;
- worker jobs (`register_worker_job`): what each round of `strom worker` does;
- after-migrate tasks (`register_after_migrate`): what `strom migrate` does once the tables are current;
- case-closed notices (`register_case_closed_notice`): what to tell the user who closes a case;
- case audit objects (`register_case_audit_objects`): parts of a case audited under their own id, for
  the person's export of who saw their data.

Anything that shows case data receives the viewer: a section's context and a timeline source are called
with the user and a case that user may see (from `get_case_for`), and show only what that user may see,
through the app's own access functions, the same ones its pages and API use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


# --- case-page sections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionLink:
    """An entry in the case page's jump list. `when` names a context key that must be true to show it."""

    anchor: str
    label: str | Promise
    when: str = ""


@dataclass(frozen=True)
class CaseSection:
    """A part of the case page.

    `context(user, case)` returns the keys its templates use, prefixed with the app's name so sections
    never clash; it must not audit (the case page records one read for the whole response).
    `templates` are included in this order; `order` places the section among the others (lower first).
    `label` names its tab on the case page (the first link's label when empty); `name` is the tab's
    address (cases/<ref>/parts/<name>/).
    """

    name: str
    order: int
    context: Callable[[User, Case], dict[str, Any]]
    templates: tuple[str, ...] = ()
    links: tuple[SectionLink, ...] = ()
    label: str | Promise = ""

    @property
    def tab_label(self) -> str | Promise:
        return self.label or (self.links[0].label if self.links else self.name)


_CASE_SECTIONS: dict[str, CaseSection] = {}


def register_case_section(section: CaseSection) -> CaseSection:
    _CASE_SECTIONS[section.name] = section
    return section


def case_sections() -> list[CaseSection]:
    return sorted(_CASE_SECTIONS.values(), key=lambda s: (s.order, s.name))


def case_section(name: str) -> CaseSection | None:
    return _CASE_SECTIONS.get(name)


def case_section_context(user: User, case: Case, section: CaseSection) -> dict[str, Any]:
    """One section's context for `user`, read alone (its tab), with `case_section_templates` and the
    section's `case_section_links`. `case` must come from `get_case_for(user, ...)`."""
    context = dict(section.context(user, case))
    context["case_section_templates"] = list(section.templates)
    links = [link for link in section.links if not link.when or context.get(link.when)]
    context["case_section_links"] = links
    return context


def case_sections_context(user: User, case: Case) -> dict[str, Any]:
    """Every section's context for `user`, plus `case_section_templates` and `case_section_links` for
    the page to include and list. `case` must come from `get_case_for(user, ...)`."""
    context: dict[str, Any] = {}
    sections = case_sections()
    for section in sections:
        context.update(section.context(user, case))
    context["case_section_templates"] = [t for s in sections for t in s.templates]
    context["case_section_links"] = [
        link for s in sections for link in s.links if not link.when or context.get(link.when)
    ]
    return context


# --- the case page's overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class GlanceFact:
    """One line of the overview: a label and its value in words. `tab` names the section tab that shows
    more, or `url` the page; `alert` marks a value that needs attention (said in words too, never by
    colour alone)."""

    label: str | Promise
    value: str
    tab: str = ""
    alert: bool = False
    url: str = ""


@dataclass(frozen=True)
class CaseAction:
    """A link to the next thing to do on the case, shown at the top of its page."""

    label: str
    url: str


@dataclass
class CaseGlance:
    facts: list[GlanceFact] = field(default_factory=list)
    actions: list[CaseAction] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def extend(self, other: CaseGlance) -> None:
        self.facts.extend(other.facts)
        self.actions.extend(other.actions)
        self.missing.extend(other.missing)


GlanceSource = Callable[["User", "Case"], CaseGlance]
_CASE_GLANCES: dict[str, tuple[int, GlanceSource]] = {}


def register_case_glance(name: str, order: int) -> Callable[[GlanceSource], GlanceSource]:
    """A decorator. A source reads only what its lines need (the sections load on demand) and shows only
    what `user` may see, through its app's access functions. It must not audit: the case page records
    one read for the whole response."""

    def register(source: GlanceSource) -> GlanceSource:
        _CASE_GLANCES[name] = (order, source)
        return source

    return register


def case_glance(user: User, case: Case) -> CaseGlance:
    """The overview of `case` for `user`, in the sources' order. `case` must come from
    `get_case_for(user, ...)`."""
    glance = CaseGlance()
    for _name, (_order, source) in sorted(_CASE_GLANCES.items(), key=lambda kv: (kv[1][0], kv[0])):
        glance.extend(source(user, case))
    return glance


# --- timeline sources --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # machine name, e.g. "stage", "task", "note"
    title: str  # translated, no personal data beyond what the viewer may already see on the case
    actor: str = ""
    url: str = ""


TimelineSource = Callable[["User", "Case"], list[TimelineItem]]
_TIMELINE_SOURCES: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Usable as a decorator. A source returns only the entries of what `user` may see."""
    if source not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(source)
    return source


def timeline_for(user: User, case: Case, *, limit: int = 200) -> list[TimelineItem]:
    """What `user` may see of the case's history, newest first. `case` must come from
    `get_case_for(user, ...)`."""
    items: list[TimelineItem] = []
    for source in _TIMELINE_SOURCES:
        items.extend(source(user, case))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


# --- dashboard panels --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPanel:
    """A summary on the home page. `context(user)` returns the template's keys, or None when the panel
    is not for this user. A panel shows references, counts and dates, never a person's details."""

    name: str
    order: int
    template: str
    context: Callable[[User], dict[str, Any] | None]


_DASHBOARD_PANELS: dict[str, DashboardPanel] = {}


def register_dashboard_panel(panel: DashboardPanel) -> DashboardPanel:
    _DASHBOARD_PANELS[panel.name] = panel
    return panel


def dashboard_context(user: User) -> dict[str, Any]:
    """The panels' keys for `user`, and `dashboard_panels`: the templates of the panels shown."""
    context: dict[str, Any] = {}
    templates: list[str] = []
    for panel in sorted(_DASHBOARD_PANELS.values(), key=lambda p: (p.order, p.name)):
        panel_context = panel.context(user)
        if panel_context is not None:
            context.update(panel_context)
            templates.append(panel.template)
    context["dashboard_panels"] = templates
    return context


# --- case-closed notices ------------------------------------------------------------------------------

# Called with a case that was just closed; returns a warning for the user who closed it (or "").
CaseClosedNotice = Callable[["Case"], str]
_CASE_CLOSED_NOTICES: list[CaseClosedNotice] = []


def register_case_closed_notice(notice: CaseClosedNotice) -> CaseClosedNotice:
    if notice not in _CASE_CLOSED_NOTICES:
        _CASE_CLOSED_NOTICES.append(notice)
    return notice


def case_closed_notices(case: Case) -> list[str]:
    return [text for notice in _CASE_CLOSED_NOTICES if (text := notice(case))]


# --- case audit objects ---------------------------------------------------------------------------------

# Called with case references; returns (object_type, object_refs) of rows of those cases whose audit
# entries name only themselves (a referral's receiver is audited under the referral, never the case).
CaseAuditObjects = Callable[[list[str]], tuple[str, list[str]]]
_CASE_AUDIT_OBJECTS: list[CaseAuditObjects] = []


def register_case_audit_objects(source: CaseAuditObjects) -> CaseAuditObjects:
    if source not in _CASE_AUDIT_OBJECTS:
        _CASE_AUDIT_OBJECTS.append(source)
    return source


def case_audit_objects(refs: list[str]) -> list[tuple[str, list[str]]]:
    return [source(refs) for source in _CASE_AUDIT_OBJECTS]


# --- worker jobs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerJob:
    """One step of each worker round, run in `order` (the audit checkpoint last, so it covers what the
    round itself recorded). `run()` does the work and returns what `--once` prints (or ""). In the loop
    a job that fails is reported and the others still run."""

    name: str  # says what failed, e.g. "task reminders"
    order: int
    run: Callable[[], str]


_WORKER_JOBS: dict[str, WorkerJob] = {}


def register_worker_job(job: WorkerJob) -> WorkerJob:
    _WORKER_JOBS[job.name] = job
    return job


def worker_jobs() -> list[WorkerJob]:
    return sorted(_WORKER_JOBS.values(), key=lambda j: (j.order, j.name))


# --- after-migrate tasks -------------------------------------------------------------------------------

# Called after a full `migrate` (not a partial or backward one), when the tables are at today's models;
# returns what to print (or "").
AfterMigrate = Callable[[], str]
_AFTER_MIGRATE: list[AfterMigrate] = []


def register_after_migrate(task: AfterMigrate) -> AfterMigrate:
    if task not in _AFTER_MIGRATE:
        _AFTER_MIGRATE.append(task)
    return task


def after_migrate_tasks() -> list[AfterMigrate]:
    return list(_AFTER_MIGRATE)
