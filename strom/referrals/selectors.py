"""Reads for referrals. `shared_sections` is the one function that turns a referred case into what the
receiver sees: the pages, the printable view and the API all use it, so none can show more than the
scope. It reads only the sections in the scope; a section left out is never even loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from strom.cases.choices import Exploitation
from strom.core.countries import countries
from strom.core.roles import Perm
from strom.referrals.models import LIVE_STATES, Referral, Section, State

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


@dataclass
class Row:
    key: str
    label: str
    value: str


@dataclass
class SharedSection:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    items: list[list[Row]] = field(default_factory=list)
    # Documents only: (uuid, title) pairs the receiver may download through the referral.
    documents: list[dict[str, Any]] = field(default_factory=list)
    empty_text: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {r.key: r.value for r in self.rows}
        if self.items or self.key in _LIST_SECTIONS:
            data["items"] = [{r.key: r.value for r in item} for item in self.items]
        if self.key == Section.DOCUMENTS:
            data["items"] = self.documents
        return data


_LIST_SECTIONS = {Section.EVENTS, Section.PERPETRATORS, Section.NOTES, Section.NEEDS}


def _date(value: dt.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _country(code: str) -> str:
    return countries().get(code, code) if code else ""


def _rows(*pairs: tuple[str, Any, Any]) -> list[Row]:
    return [Row(key, str(label), str(value)) for key, label, value in pairs if value not in ("", None, [])]


def _identity(case: Case) -> SharedSection:
    person = case.person
    section = SharedSection(Section.IDENTITY, _("Identity"))
    section.rows = _rows(
        ("given_name", _("Given name"), person.given_name),
        ("family_name", _("Family name"), person.family_name),
        ("other_names", _("Other names and spellings"), person.other_names),
        ("gender", _("Sex/gender"), person.get_gender_display()),
        ("birth_date", _("Date of birth"), person.birth_date),
        ("age_estimate", _("Estimated age"), person.age_estimate),
        ("citizenships", _("Citizenship"), ", ".join(_country(c) for c in person.citizenships)),
        ("languages", _("Languages"), ", ".join(person.languages)),
        (
            "migration_status",
            _("Migration status"),
            person.get_migration_status_display() if person.migration_status else "",
        ),
    )
    for doc in person.documents.order_by("created_at", "pk"):
        section.items.append(
            _rows(
                ("doc_type", _("Identity document"), doc.get_doc_type_display()),
                ("number", _("Number"), doc.number),
                ("issuing_country", _("Issued by"), _country(doc.issuing_country)),
                ("expiry_date", _("Expires"), _date(doc.expiry_date)),
                ("held_by_person", _("Held by the person"), _("yes") if doc.held_by_person else _("no")),
            )
        )
    return section


def _contact(case: Case) -> SharedSection:
    section = SharedSection(Section.CONTACT, _("Contact"))
    section.rows = _rows(
        ("contact", _("Phone, e-mail"), case.person.contact),
        ("address", _("Current address"), case.person.address),
    )
    section.empty_text = _("No contact details are recorded.")
    return section


def _status(case: Case) -> SharedSection:
    from strom.stages.models import Decision, ReflectionPeriod

    labels = dict(Exploitation.choices)
    section = SharedSection(Section.STATUS, _("Case status"))
    section.rows = _rows(
        ("stage", _("Stage"), case.get_stage_display()),
        ("trafficking_status", _("Status"), case.get_trafficking_status_display()),
        (
            "forms_of_exploitation",
            _("Forms of exploitation"),
            ", ".join(str(labels.get(f, f)) for f in case.forms_of_exploitation),
        ),
    )
    reflection = ReflectionPeriod.objects.filter(case=case).first()
    if reflection is not None:
        section.rows += _rows(
            ("reflection_from", _("Reflection period from"), _date(reflection.starts_on)),
            ("reflection_until", _("Reflection period until"), _date(reflection.ends_on)),
        )
    for decision in Decision.objects.filter(case=case).order_by("decided_at", "pk"):
        section.items.append(
            _rows(
                ("decision", _("Decision"), decision.get_kind_display()),
                ("outcome", _("Outcome"), decision.get_outcome_display()),
                ("decided_at", _("Date"), _date(decision.decided_at)),
            )
        )
    return section


def _events(case: Case) -> SharedSection:
    from strom.casefile.selectors import events_for

    section = SharedSection(Section.EVENTS, _("Trafficking events"), empty_text=_("No events are recorded."))
    for event in events_for(case):
        section.items.append(
            _rows(
                ("type", _("Type"), event.get_event_type_display()),
                ("country", _("Country"), _country(event.country)),
                ("city", _("City or town"), event.city),
                ("from", _("From"), _date(event.date_from)),
                ("to", _("To"), _date(event.date_to)),
                ("industry", _("Industry"), event.get_industry_display() if event.industry else ""),
                ("description", _("Description"), event.description),
            )
        )
    return section


def _needs(case: Case) -> SharedSection:
    from strom.support.models import NeedsAssessment, Service

    section = SharedSection(
        Section.NEEDS, _("Needs and support plan"), empty_text=_("No needs are recorded yet.")
    )
    assessment = NeedsAssessment.objects.filter(case=case).first()
    if assessment is not None:
        section.rows = _rows(("assessed_at", _("Needs assessed on"), _date(assessment.assessed_at)))
        for need in assessment.needs.order_by("priority", "service_type"):
            section.items.append(
                _rows(
                    ("need", _("Need"), need.get_service_type_display()),
                    ("priority", _("Priority"), need.get_priority_display()),
                )
            )
    for service in Service.objects.filter(case=case).select_related("provider_organisation"):
        if service.status == "cancelled":
            continue
        section.items.append(
            _rows(
                ("service", _("Service"), service.get_service_type_display()),
                ("status", _("Status"), service.get_status_display()),
                ("provider", _("Provider"), service.provider_display),
            )
        )
    return section


def _perpetrators(case: Case) -> SharedSection:
    section = SharedSection(
        Section.PERPETRATORS, _("Suspected perpetrators"), empty_text=_("No perpetrators are recorded.")
    )
    for perpetrator in case.perpetrators.order_by("created_at", "pk"):
        section.items.append(
            _rows(
                ("name", pgettext("of a person", "Name"), perpetrator.name),
                ("aliases", _("Aliases"), perpetrator.aliases),
                ("gender", _("Sex/gender"), perpetrator.get_gender_display()),
                ("nationality", _("Nationality"), _country(perpetrator.nationality)),
                (
                    "relationship",
                    _("Relationship"),
                    perpetrator.get_relationship_display() if perpetrator.relationship else "",
                ),
                ("details", _("Details"), perpetrator.details),
            )
        )
    return section


def _documents(case: Case) -> SharedSection:
    from strom.casefile.selectors import documents_for

    section = SharedSection(Section.DOCUMENTS, _("Documents"), empty_text=_("No documents are stored."))
    section.documents = [
        {
            "uuid": str(d.uuid),
            "title": d.title,
            "kind": str(d.get_kind_display()),
            "size": d.size,
            "uploaded_at": d.uploaded_at.isoformat(),
        }
        for d in documents_for(case)
    ]
    return section


def _notes(case: Case) -> SharedSection:
    section = SharedSection(Section.NOTES, _("Case notes"), empty_text=_("No notes are recorded."))
    # Restricted notes are the supervisor's and author's only, in the sending organisation too.
    for note in case.notes.filter(restricted=False).order_by("created_at", "pk"):
        section.items.append(
            _rows(("date", _("Date"), _date(note.created_at.date())), ("note", _("Note"), note.body))
        )
    return section


_BUILDERS: dict[str, Callable[[Case], SharedSection]] = {
    Section.IDENTITY: _identity,
    Section.CONTACT: _contact,
    Section.STATUS: _status,
    Section.EVENTS: _events,
    Section.NEEDS: _needs,
    Section.PERPETRATORS: _perpetrators,
    Section.DOCUMENTS: _documents,
    Section.NOTES: _notes,
}


def shared_sections(user: User, referral: Referral) -> list[SharedSection]:
    """What `user` sees of the case as the referral's receiver, section by section, in the order of
    `Section`: only the sections `receiver_scope` gives them now, and nothing for anyone else. The
    receiver's access is the referral's, not the case's, so the builders read the case's rows as such."""
    from strom.referrals.access import receiver_scope

    scope = receiver_scope(user, referral)
    return [_BUILDERS[key](referral.case) for key in Section.values if key in scope]


def case_sections(case: Case, scope: list[str]) -> list[SharedSection]:
    """The sections of `scope` built from `case` as a receiver would see them, for a caller that has
    already checked the sender's right to share them (a transnational referral carries these)."""
    return [_BUILDERS[key](case) for key in Section.values if key in scope]


def summary_rows(referral: Referral) -> list[Row]:
    """What every party to the referral sees, whatever the scope: no name, no case reference."""
    case = referral.case
    return _rows(
        ("age_group", _("Age group"), _("child") if case.is_child else _("adult")),
        ("urgency", _("Urgency"), referral.get_urgency_display()),
        ("municipality", _("Where the service is needed"), referral.municipality.name),
    )


def inbox_for(user: User, *, state: str = "", urgency: str = "") -> QuerySet[Referral]:
    """Referrals the user's organisations received (not drafts)."""
    from strom.referrals import access

    qs = access.received_visible_to(user, Referral.objects.all())
    if urgency:
        qs = qs.filter(urgency=urgency)
    if state == "open":
        qs = qs.filter(state__in=LIVE_STATES)
    elif state:
        qs = qs.filter(state=state)
    return qs.select_related("from_organisation", "to_organisation", "service").order_by("-sent_at", "-id")


def outbox_for(user: User, *, state: str = "", urgency: str = "") -> QuerySet[Referral]:
    """Referrals sent (or drafted) by the user's organisations, or of cases the user may see."""
    from strom.referrals import access

    qs = access.sent_visible_to(user, Referral.objects.all())
    if urgency:
        qs = qs.filter(urgency=urgency)
    if state == "open":
        qs = qs.filter(state__in=[State.DRAFT, *LIVE_STATES])
    elif state:
        qs = qs.filter(state=state)
    return qs.select_related("case", "from_organisation", "to_organisation", "service").order_by(
        "-created_at", "-id"
    )


def referrals_of_case(user: User, case: Case) -> QuerySet[Referral]:
    """For the case page: the referrals of `case` that `user` sees from the sending side (all of them,
    for a viewer of the case). A receiver reads a referral through its own page, never the case's."""
    from strom.referrals import access

    return (
        access.sent_visible_to(user, Referral.objects.all())
        .filter(case=case)
        .select_related("to_organisation", "service")
        .order_by("-created_at")
    )


@dataclass
class Disclosure:
    # None for a disclosure another app records (a transnational referral): `ref`, `kind` and `state` say it.
    referral: Referral | None
    sent_at: dt.datetime
    recipient: str
    recipient_country: str
    service: str
    kind_label: str
    shared: list[str]
    basis: str
    state_label: str
    first_opened_at: dt.datetime | None
    access_ended_at: dt.datetime | None
    ref: Any = None
    kind: str = ""
    state: str = ""

    def __post_init__(self) -> None:
        if self.referral is not None:
            self.ref, self.kind, self.state = self.referral.uuid, self.referral.kind, self.referral.state


# Apps above this one that send a person's data elsewhere add their disclosures to the record:
# a function (user, person) -> list[Disclosure], registered from their AppConfig.ready().
DisclosureSource = Callable[["User", Any], list[Disclosure]]
_DISCLOSURE_SOURCES: list[DisclosureSource] = []


def register_disclosure_source(source: DisclosureSource) -> DisclosureSource:
    if source not in _DISCLOSURE_SOURCES:
        _DISCLOSURE_SOURCES.append(source)
    return source


def disclosure_record(user: User, person: Any) -> list[Disclosure]:
    """Everything sent about the person from the cases `user` may see, oldest first (GDPR Art. 15)."""
    from strom.audit.models import AuditEntry
    from strom.cases.models import Case

    referrals = list(
        Referral.objects.filter(case__in=Case.objects.visible_to(user).filter(person=person))
        .exclude(state=State.DRAFT)
        .select_related("to_organisation", "service", "consent", "case")
        .order_by("sent_at", "pk")
    )
    opened: dict[str, dt.datetime] = {}
    if referrals:
        rows = (
            AuditEntry.objects.filter(
                object_type="referral",
                object_ref__in=[str(r.uuid) for r in referrals],
                action__in=["referral.view", "referral.document_download"],
            )
            .values_list("object_ref", "at")
            .order_by("at")
        )
        for ref, at in rows:
            opened.setdefault(ref, at)
    always = [
        str(_("Whether the person is a child or an adult")),
        str(_("The message written by the sender")),
    ]
    result = []
    for r in referrals:
        assert r.sent_at is not None
        if r.basis == "consent" and r.consent is not None:
            basis = _("The person's consent of %(date)s") % {"date": _date(r.consent.given_at)}
        else:
            basis = _("Without consent, because: %(reason)s") % {"reason": r.override_reason}
        ended = (
            r.withdrawn_at
            or r.completed_at
            or r.expired_at
            or (r.responded_at if r.state == State.DECLINED else None)
        )
        result.append(
            Disclosure(
                referral=r,
                sent_at=r.sent_at,
                recipient=r.to_organisation.name,
                recipient_country=_country(r.to_organisation.country),
                service=r.service.name if r.service else "",
                kind_label=str(r.get_kind_display()),
                shared=always + r.scope_labels()
                if not r.is_transfer
                else [str(_("The whole case: it was transferred"))],
                basis=str(basis),
                state_label=str(r.get_state_display()),
                first_opened_at=opened.get(str(r.uuid)),
                access_ended_at=ended,
            )
        )
    for source in _DISCLOSURE_SOURCES:
        result.extend(source(user, person))
    result.sort(key=lambda d: d.sent_at)
    return result


def referral_section_context(user: User, case: Case) -> dict[str, Any]:
    """The Referrals section of the case page (referrals/_case_section.html). Keys are prefixed."""
    from strom.referrals import access

    may_send = access.may_send_from(user, case)
    return {
        "referrals_of_case": list(referrals_of_case(user, case)),
        "referrals_may_send": may_send,
        "referrals_network_query": _network_query(case),
        "referrals_person_id": case.person_id,
    }


def _network_query(case: Case) -> str:
    from urllib.parse import urlencode

    return urlencode(
        {
            "for_case": case.ref,
            "municipality": case.municipality_id,
            "eligibility": "children" if case.is_child else "adults",
        }
    )


def referral_counts(user: User) -> dict[str, int | None]:
    """For the dashboard: how many referrals wait for the user's organisations, and for others."""
    now = timezone.now()
    counts: dict[str, int | None] = {"waiting": None, "overdue": None, "under_way": None}
    if user.has_any(Perm.REFERRAL_RESPOND):
        received = inbox_for(user).aggregate(
            waiting=Count("pk", filter=Q(state=State.SENT)),
            overdue=Count("pk", filter=Q(state=State.SENT, respond_by__lt=now)),
            under_way=Count("pk", filter=Q(state__in=[State.ACCEPTED, State.IN_PROGRESS])),
        )
        counts.update(received)
    since = now - dt.timedelta(days=ANSWERED_DAYS)
    sent = outbox_for(user).aggregate(
        sent_unanswered=Count("pk", filter=Q(state=State.SENT)),
        sent_accepted=Count("pk", filter=Q(state__in=[State.ACCEPTED, State.IN_PROGRESS])),
        sent_completed=Count("pk", filter=Q(state=State.COMPLETED, completed_at__gte=since)),
    )
    counts.update(sent)
    return counts


# How far back the dashboard looks for the sender's completed and answered referrals.
ANSWERED_DAYS = 30


def sent_answered_latest(user: User, *, limit: int = 5) -> list[Referral]:
    """The sender's referrals most recently accepted, started or completed: service, receiver, dates."""
    since = timezone.now() - dt.timedelta(days=ANSWERED_DAYS)
    return list(
        outbox_for(user)
        .filter(state__in=[State.ACCEPTED, State.IN_PROGRESS, State.COMPLETED], responded_at__gte=since)
        .order_by("-responded_at", "-id")[:limit]
    )


def referrals_panel(user: User) -> dict[str, Any] | None:
    """The dashboard's referral counts (referrals/_dashboard_panel.html). Counts only: nothing about a
    person."""
    if not (user.has_any(Perm.REFERRAL_RESPOND) or user.has_any(Perm.REFERRAL_SEND)):
        return None
    counts = referral_counts(user)
    return {"referrals": counts, "referrals_answered": sent_answered_latest(user)} if counts else None


def live_referrals_notice(case: Case) -> str:
    """Said to whoever closes a case (registered in apps.py): closing does not end its referrals."""
    live = Referral.objects.filter(case=case, state__in=LIVE_STATES).count()
    if not live:
        return ""
    return ngettext(
        "%(count)s referral of this case is still under way: the receiver keeps what was shared "
        "until the referral ends or you withdraw it.",
        "%(count)s referrals of this case are still under way: the receivers keep what was "
        "shared until the referrals end or you withdraw them.",
        live,
    ) % {"count": live}


def referral_audit_objects(refs: list[str]) -> tuple[str, list[str]]:
    """The referrals of these cases, for the person's export of who saw their data (registered in
    apps.py): a receiver's reads are audited under the referral, which never names the case."""
    uuids = Referral.objects.filter(case__ref__in=refs).values_list("uuid", flat=True)
    return "referral", [str(u) for u in uuids]
