"""Reads of the hotline: the operators' queue, a caller's earlier contacts, tips of a place, statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import date_format, get_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from strom.audit.services import audit_read
from strom.core.countries import countries
from strom.hotline.access import hotline_org_ids
from strom.hotline.models import Action, CallerType, Channel, Contact, Source, Status, Tip, Topic
from strom.stats.disclosure import control

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

QUEUE_SIZE = 50
# The queue's order; the index hotline_contact_queue holds it whole, so a page is read straight off the
# index however many contacts the hotline has.
QUEUE_ORDER = ("-priority", "-occurred_at", "-pk")
# What the queue page shows of a contact: never the caller's name or how to reach them, so those are
# neither read nor decrypted; the summary only as its first SUMMARY_PREVIEW characters.
QUEUE_FIELDS = (
    "organisation_id",
    "source",
    "channel",
    "occurred_at",
    "caller_type",
    "language",
    "topic",
    "immediate_danger",
    "child",
    "summary",
    "contact_me",
)
SUMMARY_PREVIEW = 120
# A page number from the address beyond any real queue: the offset stays a database integer.
MAX_PAGE = 100_000


def _queue_qs(
    user: User, *, status: str, channel: str, topic: str, urgent: bool, unreviewed: bool
) -> QuerySet[Contact]:
    qs: QuerySet[Contact] = Contact.objects.visible_to(user)
    if status in Status.values:
        qs = qs.filter(status=status)
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if topic in Topic.values:
        qs = qs.filter(topic=topic)
    if urgent:
        qs = qs.filter(priority__gt=0)
    if unreviewed:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.order_by(*QUEUE_ORDER)


def queue(
    user: User,
    *,
    status: str = "open",
    channel: str = "",
    topic: str = "",
    urgent: bool = False,
    unreviewed: bool = False,
) -> list[Contact]:
    """The contacts of the user's hotlines, urgent first (immediate danger, then a child), newest next:
    whole rows, as the API gives them."""
    qs = _queue_qs(user, status=status, channel=channel, topic=topic, urgent=urgent, unreviewed=unreviewed)
    return with_labels(list(qs.select_related("case")[:QUEUE_SIZE]))


def with_labels(rows: list[Contact]) -> list[Contact]:
    """Each row's channel, caller and topic in words, translated once per value and page: the model's
    get_*_display builds the whole list of labels for every call, a third of the queue page's time."""
    cache: dict[tuple[str, str], str] = {}
    for row in rows:
        for name, choices in (("channel", Channel), ("caller_type", CallerType), ("topic", Topic)):
            value = getattr(row, name)
            if (name, value) not in cache:
                cache[(name, value)] = str(dict(choices.choices).get(value, value))
            setattr(row, f"{name}_label", cache[(name, value)])
    return rows


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue page, every value already in words: the template only places them."""

    pk: int
    organisation_id: int
    title: str
    url: str
    time_iso: str
    time_text: str
    channel: str
    caller_type: str
    language: str
    topic: str
    summary: str
    immediate_danger: bool
    child: bool
    contact_me: bool
    public: bool


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    number: int
    has_next: bool


def queue_page(
    user: User,
    *,
    page: int = 1,
    status: str = "open",
    channel: str = "",
    topic: str = "",
    urgent: bool = False,
    unreviewed: bool = False,
) -> QueuePage:
    """One page of the queue (QUEUE_SIZE contacts) for the operators' page.

    The work per row is done once per page where it can be: the labels and the date format are looked
    up once, a contact's address is the page's pattern with its number, and the summary is cut in
    Python; the template's filters and tags cost a millisecond a row under load."""
    page = min(max(1, page), MAX_PAGE)
    qs = _queue_qs(user, status=status, channel=channel, topic=topic, urgent=urgent, unreviewed=unreviewed)
    offset = (page - 1) * QUEUE_SIZE
    # One more than a page: whether there is a next page, without counting the hotline's contacts.
    contacts = list(qs.only(*QUEUE_FIELDS)[offset : offset + QUEUE_SIZE + 1])
    labels = {field: dict(choices.choices) for field, choices in _LABELLED}
    cache: dict[tuple[str, str], str] = {}

    def label(field: str, value: str) -> str:
        if (field, value) not in cache:
            cache[(field, value)] = str(labels[field].get(value, value))
        return cache[(field, value)]

    time_format = get_format("SHORT_DATETIME_FORMAT")
    title = str(_("Contact %(number)s"))
    url = reverse("hotline:contact", kwargs={"contact_id": 0}).removesuffix("0/")
    rows = []
    for contact in contacts[:QUEUE_SIZE]:
        at = localtime(contact.occurred_at)
        summary = contact.summary
        if len(summary) > SUMMARY_PREVIEW:
            summary = summary[: SUMMARY_PREVIEW - 1] + "…"
        rows.append(
            QueueRow(
                pk=contact.pk,
                organisation_id=contact.organisation_id,
                title=title % {"number": contact.pk},
                url=f"{url}{contact.pk}/",
                time_iso=at.isoformat(),
                time_text=dateformat.format(at, time_format),
                channel=label("channel", contact.channel),
                caller_type=label("caller_type", contact.caller_type),
                language=contact.language,
                topic=label("topic", contact.topic),
                summary=summary,
                immediate_danger=contact.immediate_danger,
                child=contact.child,
                contact_me=contact.contact_me,
                public=contact.source == Source.PUBLIC,
            )
        )
    return QueuePage(rows=rows, number=page, has_next=len(contacts) > QUEUE_SIZE)


def audit_contacts_read(user: User, rows: Sequence[Contact | QueueRow], *, page: str) -> None:
    """One audit entry per page of contacts, naming the contacts shown."""
    if not rows:
        return
    orgs = {c.organisation_id for c in rows}
    audit_read(
        actor=user,
        object_type="hotline_contact",
        object_ref=rows[0].pk if len(rows) == 1 else "",
        organisation_id=orgs.pop() if len(orgs) == 1 else None,
        details={"page": page, "ids": [c.pk for c in rows]},
    )


def earlier_contacts(user: User, contact: Contact) -> list[Contact]:
    """The same caller's other contacts with this hotline, found by the key of their phone number."""
    if not contact.caller_key:
        return []
    return list(
        Contact.objects.visible_to(user)
        .filter(organisation_id=contact.organisation_id, caller_key=contact.caller_key)
        .exclude(pk=contact.pk)
        .order_by("-occurred_at")[:20]
    )


# --- the case page's hotline tab ---------------------------------------------------------------------------

# What identifies a caller: shown on the case page only to those who see the contact itself.
IDENTIFYING = ("summary", "caller_name", "callback")


@dataclass(frozen=True)
class CaseContact:
    """One contact of a case, as its tab shows it. `contact` is read without its identifying fields;
    `identifying` says the viewer sees the contact itself (an operator or supervisor of its hotline),
    and only then are `summary`, `caller_name` and `callback` filled."""

    contact: Contact
    channel: str
    caller_type: str
    topic: str
    outcome: str
    operator: str
    identifying: bool = False
    summary: str = ""
    caller_name: str = ""
    callback: str = ""


_LABELLED = (("channel", Channel), ("caller_type", CallerType), ("topic", Topic))


def _taker(contact: Contact) -> str:
    """Who took the contact: the operator and their hotline, or the public website."""
    if contact.created_by is not None and contact.created_by.full_name:
        return f"{contact.created_by.full_name}, {contact.organisation.name}"
    if contact.source == Source.PUBLIC:
        return f"{Source.PUBLIC.label}, {contact.organisation.name}"
    return contact.organisation.name


def case_section_context(user: User, case: Case) -> dict[str, Any]:
    """The case page's "Hotline" tab (hotline/_case_section.html): the contacts that opened the case or
    were linked to it, oldest first. Everyone who sees the case sees when, how, who called and about
    what, what was done and who took it; the caller's name, how to reach them and the summary only
    those who see the contact on the hotline's own pages (access.contacts_visible_to). Keys prefixed."""
    contacts = list(
        Contact.objects.filter(case_id=case.pk)
        .defer(*IDENTIFYING)
        .select_related("organisation", "created_by")
        .order_by("occurred_at", "pk")
    )
    seen = hotline_org_ids(user)
    identified: dict[int, Contact] = {}
    if any(c.organisation_id in seen for c in contacts):
        # Read apart, through the contact's own access rule, so no one else's page decrypts them.
        identified = {
            c.pk: c for c in Contact.objects.visible_to(user).filter(case_id=case.pk).only("pk", *IDENTIFYING)
        }
    labels = {field: dict(choices.choices) for field, choices in _LABELLED}
    rows = []
    for contact in contacts:
        full = identified.get(contact.pk)
        channel, caller_type, topic = (
            str(labels[field].get(getattr(contact, field), getattr(contact, field)))
            for field, _c in _LABELLED
        )
        rows.append(
            CaseContact(
                contact=contact,
                channel=channel,
                caller_type=caller_type,
                topic=topic,
                outcome="; ".join(contact.action_labels()),
                operator=_taker(contact),
                identifying=full is not None,
                summary=full.summary if full else "",
                caller_name=full.caller_name if full else "",
                callback=full.callback if full else "",
            )
        )
    return {
        "hotline_case_contacts": rows,
        "hotline_case_details_withheld": any(not row.identifying for row in rows),
    }


def tips_page(user: User) -> list[Tip]:
    return list(
        Tip.objects.visible_to(user)
        .select_related("organisation", "municipality")
        .annotate(passed=Count("passings"))
        .order_by("-received_at", "-pk")[:QUEUE_SIZE]
    )


def tip_group_members(user: User, tip: Tip) -> list[Tip]:
    root = tip.group_id or tip.pk
    return list(
        Tip.objects.visible_to(user)
        .filter(Q(pk=root) | Q(group_id=root))
        .exclude(pk=tip.pk)
        .order_by("received_at")
    )


# --- statistics ------------------------------------------------------------------------------------------

DIMENSIONS: dict[str, Any] = {
    "channel": _("Channel"),
    "caller_type": _("Caller"),
    "topic": _("Topic"),
    "outcome": _("Outcome"),
    "month": _("Month"),
    "region": _("Region"),
}

OUTCOMES = {
    "case": _("Case opened or linked"),
    "screening": _("Screening"),
    "referred": _("Referred"),
    "police": _("Passed to the police"),
    "information": _("Information only"),
}


def _outcome_counts(qs: QuerySet[Contact]) -> dict[str, int]:
    """Each contact counts once, under the furthest step it led to."""
    police = [Action.POLICE_CONSENT, Action.POLICE_DUTY]
    counts = qs.aggregate(
        n_case=Count("pk", filter=Q(case__isnull=False)),
        n_screening=Count("pk", filter=Q(case__isnull=True, screening__isnull=False)),
        n_referred=Count(
            "pk", filter=Q(case__isnull=True, screening__isnull=True, actions__contains=[Action.REFERRED])
        ),
        n_police=Count(
            "pk",
            filter=Q(case__isnull=True, screening__isnull=True, actions__overlap=police)
            & ~Q(actions__contains=[Action.REFERRED]),
        ),
        n_total=Count("pk"),
    )
    total = counts.pop("n_total")
    result = {key.removeprefix("n_"): value for key, value in counts.items()}
    result["information"] = total - sum(result.values())
    return result


def _raw_counts(qs: QuerySet[Contact], dimension: str) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """(value, label) pairs in order and the count of each value."""
    if dimension == "outcome":
        return [(k, str(v)) for k, v in OUTCOMES.items()], _outcome_counts(qs)
    if dimension == "month":
        months = qs.annotate(m=TruncMonth("occurred_at")).values("m").annotate(n=Count("pk")).order_by("m")
        values = [(r["m"].date().isoformat(), date_format(r["m"], "YEAR_MONTH_FORMAT")) for r in months]
        return values, {r["m"].date().isoformat(): r["n"] for r in months}
    if dimension == "region":
        regions = (
            qs.values("country", "municipality__name")
            .annotate(n=Count("pk"))
            .order_by("country", "municipality__name")
        )
        names = countries()
        values, counts = [], {}
        for r in regions:
            key = f"{r['country']}:{r['municipality__name'] or ''}"
            label = names.get(r["country"], r["country"] or "—")
            values.append(
                (key, f"{label}: {r['municipality__name']}" if r["municipality__name"] else str(label))
            )
            counts[key] = r["n"]
        return values, counts
    choices = {"channel": Channel, "caller_type": CallerType, "topic": Topic}[dimension]
    rows = qs.values(dimension).annotate(n=Count("pk"))
    return [(v, str(label)) for v, label in choices.choices], {r[dimension]: r["n"] for r in rows}


@dataclass(frozen=True)
class StatRow:
    label: str
    count: int | None  # None: withheld


def hotline_table(
    *, dimension: str, country: str = "", year: int | None = None
) -> tuple[list[StatRow], StatRow]:
    """Contacts of every hotline by one dimension, through the statistics app's disclosure control:
    counts under STROM_STATS_THRESHOLD are withheld, with a second cell where one would give it away."""
    qs = Contact.objects.all()
    if country:
        qs = qs.filter(country=country)
    if year:
        qs = qs.filter(occurred_at__year=year)
    values, counts = _raw_counts(qs, dimension)
    keys = [v for v, _label in values]
    raw: dict[tuple[Any, ...], int] = {(k,): counts.get(k, 0) for k in keys}
    raw[(None,)] = sum(raw.values())
    controlled = control(raw, [keys], threshold=settings.STROM_STATS_THRESHOLD)
    rows = [StatRow(label, controlled.counts[(k,)]) for k, label in values]
    return rows, StatRow(str(_("Total")), controlled.counts[(None,)])
