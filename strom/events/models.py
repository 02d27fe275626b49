"""Events: conferences, round tables, trainings and their programmes, materials and participants.

The programme (days, rooms, sessions, the people on stage in their public roles) is published
content. Registrations are personal data: names and contacts are encrypted, every queryset of them is
narrowed with `visible_to(user)`, and a participant list shows only those who consented to appear.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.core.retention import OutsideCases
from strom.core.vocabulary import Sector
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    ROUND_TABLE = "round_table", _("Round table")
    PANEL = "panel", _("Panel")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")
    STUDY_VISIT = "study_visit", _("Study visit")


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")


class SessionKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    ROUND_TABLE = "round_table", _("Round table")
    BREAK = "break", _("Break")
    MEAL = "meal", _("Meal")
    TRAINING_MODULE = "training_module", _("Training module")
    TALK = "talk", _("Talk")


class PersonRole(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    SPEAKER = "speaker", _("Speaker")
    TRAINER = "trainer", _("Trainer")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: User) -> EventQuerySet:
        from strom.events.access import events_visible_to

        return events_visible_to(user, self)


class Event(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.CONFERENCE)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    # The schedule format's conference acronym: lower-case letters, digits, "-" and "_", at least 4.
    acronym = models.CharField(_("acronym"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    timezone = models.CharField(_("time zone"), max_length=60, default="Europe/Riga")
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    online = models.BooleanField(_("online"), default=False)
    # The organisation whose organisers manage the event; `organisers` are those named on it.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("managed by"), on_delete=models.PROTECT, related_name="managed_events"
    )
    organisers = models.ManyToManyField(
        Organisation, verbose_name=_("organisers"), blank=True, related_name="organised_events"
    )
    co_funders = models.TextField(_("co-funded by"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=3), verbose_name=_("languages"), default=list, blank=True
    )
    interpretation = models.CharField(_("interpretation"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # Who a training is for; also a filter on the event list and the training report.
    target_sectors = ArrayField(
        models.CharField(max_length=20, choices=Sector.choices),
        verbose_name=_("target sectors"),
        default=list,
        blank=True,
    )
    # A cancelled event keeps its page and programme (registrants learn of it there); it takes no
    # registrations and is left out of the calendars and the search.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for the cancellation"), blank=True)
    # Bumped on every programme change; exported as the schedule's version.
    programme_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="events_event_dates_in_order"
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_training(self) -> bool:
        return self.kind == EventKind.TRAINING

    @property
    def target_sector_labels(self) -> list[str]:
        return [str(Sector(code).label) for code in self.target_sectors if code in Sector.values]

    @property
    def place(self) -> str:
        """Where, in words: the venue's name for a session without a room, in exports too."""
        if self.online and not self.venue:
            return str(_("Online"))
        return ", ".join(part for part in (self.venue, self.city) if part)


class Day(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["event", "date"], name="events_day_unique_date")]

    def __str__(self) -> str:
        return self.date.isoformat()


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=200)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="events_room_unique_name")]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    day = models.ForeignKey(Day, on_delete=models.CASCADE, related_name="sessions")
    start = models.TimeField(_("start"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    kind = models.CharField(_("type"), max_length=20, choices=SessionKind.choices, default=SessionKind.TALK)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    language = models.CharField(_("language"), max_length=3, blank=True)
    # Stable across exports and re-imports: the schedule format's event guid.
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        ordering = ["day__date", "start", "room__name", "pk"]

    def __str__(self) -> str:
        return self.title

    def starts_at(self, tz: ZoneInfo) -> dt.datetime:
        return dt.datetime.combine(self.day.date, self.start, tzinfo=tz)

    def ends_at(self, tz: ZoneInfo) -> dt.datetime:
        return self.starts_at(tz) + dt.timedelta(minutes=self.duration_minutes)

    @property
    def end(self) -> dt.time:
        return (
            dt.datetime.combine(self.day.date, self.start) + dt.timedelta(minutes=self.duration_minutes)
        ).time()


class SessionPerson(models.Model):
    """Someone on the programme in their public role: published with the programme, not a participant."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role"), max_length=12, choices=PersonRole.choices, default=PersonRole.SPEAKER)
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    talk_title = models.CharField(_("talk title"), max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["session", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="events/materials/%Y/", blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="events_material_file_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CurriculumModule(models.Model):
    """One module of a training's curriculum: what it teaches (learning goals) and how long it takes.
    A module may be taught in one or more sessions of the programme, or stand on its own."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    learning_goals = models.TextField(
        _("learning goals"), blank=True, help_text=_("What participants can do afterwards, one a line.")
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    sessions = models.ManyToManyField(
        Session, verbose_name=_("taught in"), blank=True, related_name="modules"
    )

    class Meta:
        ordering = ["event", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def goals(self) -> list[str]:
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]


class LibraryMaterialQuerySet(models.QuerySet["LibraryMaterial"]):
    def visible_to(self, user: User) -> LibraryMaterialQuerySet:
        from strom.events.access import library_visible_to

        return library_visible_to(user, self)


class LibraryMaterial(models.Model):
    """A reusable training material (a handbook, slides, an exercise) kept once in the library and
    attached to as many trainings and sessions as use it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="training_materials"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True)
    sectors = ArrayField(
        models.CharField(max_length=20, choices=Sector.choices),
        verbose_name=_("for sectors"),
        default=list,
        blank=True,
    )
    file = models.FileField(_("file"), upload_to="events/library/%Y/", blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    events = models.ManyToManyField(Event, verbose_name=_("used in"), blank=True, related_name="library")
    sessions = models.ManyToManyField(
        Session, verbose_name=_("used in sessions"), blank=True, related_name="library"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LibraryMaterialQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="events_library_file_or_link"
            ),
        ]
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")

    def __str__(self) -> str:
        return self.title

    @property
    def sector_labels(self) -> list[str]:
        return [str(Sector(code).label) for code in self.sectors if code in Sector.values]


class CalendarFeed(models.Model):
    """A person's secret calendar link: calendar apps cannot log in, so the link itself is the key.
    Only a hash of the token is kept; a new link replaces the old one, and revoking deletes it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed:{self.user_id}"


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def visible_to(self, user: User) -> RegistrationQuerySet:
        from strom.events.access import registrations_visible_to

        return registrations_visible_to(user, self)

    def on_participant_list(self) -> RegistrationQuerySet:
        """Those who may be shown to other participants: registered and consenting to appear."""
        return self.filter(status=RegistrationStatus.REGISTERED, consent_list=True)


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    # The STROM user who registered themselves; empty for someone an organiser registered.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("e-mail"))
    email_index = BlindIndexField(source="email", kind="exact")
    organisation_name = EncryptedTextField(_("organisation"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    needs = EncryptedTextField(_("dietary and access needs"), blank=True)
    consent_list = models.BooleanField(_("may appear on the participant list"), default=False)
    consent_contact = models.BooleanField(_("may be contacted after the event"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    # Set when a certificate of attendance is issued: printed on it and checked on the verification page.
    certificate_code = models.CharField(_("certificate code"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()
    retention = OutsideCases("a participant's registration belongs to the event and goes with it")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_index"],
                condition=~models.Q(status="cancelled"),
                name="events_registration_once_per_email",
            ),
            models.UniqueConstraint(
                fields=["certificate_code"],
                condition=~models.Q(certificate_code=""),
                name="events_registration_certificate_code_unique",
            ),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.event_id}:{self.pk}"
