"""The hotline's signals: contacts (every call, text, chat, e-mail, visit or web form) and tips about a place.

A contact is not a case: most contacts are answered with information and end there; some start a
screening or a case (`Contact.case`). Nothing about the caller is required. What identifies someone
(a name, a number to call back, the summary) is encrypted; a repeat caller is recognised only with their
consent, by a keyed blind index of the phone number (`caller_key`) whose number is never stored.
Retention: contacts not linked to a case lose their identifying fields after
`MINIMISE_AFTER_DAYS` (`tasks.contacts_minimise`); a contact linked to a case follows the case.
Tips are about a place or an employer, never a person, and are grouped by a keyed index of the place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from parler.managers import TranslatableQuerySet  # type: ignore[import-untyped]  # no type information
from parler.models import (  # type: ignore[import-untyped]  # django-parler has no type information
    TranslatableModel,
    TranslatedField,
    TranslatedFields,
)

from strom.core.countries import country_choices
from strom.core.retention import Retention, Scrub
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Municipality, Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User

if TYPE_CHECKING:
    # django-parler has no type information: mypy sees the model and queryset bases as Django's own,
    # with the few parler methods STROM calls.
    class _TranslatableQuerySet(models.QuerySet["RightsPage"]):
        pass

    class _TranslatableModel(models.Model):
        translations: Any
        title: str
        body: str
        version: int

        class Meta:
            abstract = True

        def set_current_language(self, language_code: str, initialize: bool = False) -> None: ...
        def get_available_languages(self) -> Any: ...
        def has_translation(self, language_code: str | None = None) -> bool: ...

else:
    _TranslatableQuerySet = TranslatableQuerySet
    _TranslatableModel = TranslatableModel


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger app")
    WALK_IN = "walk_in", _("Walk-in")
    WEB_FORM = "web_form", _("Web form")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Incoming")
    OUTBOUND = "outbound", _("Outgoing")


class CallerType(models.TextChoices):
    # Estonia's hotline counts officials apart from clients; the US hotline keeps the same split.
    POSSIBLE_VICTIM = "possible_victim", _("Possible victim")
    FAMILY_FRIEND = "family_friend", _("Family member or friend")
    PROFESSIONAL = "professional", _("Professional or official")
    EMPLOYER = "employer", _("Employer")
    ANONYMOUS_PUBLIC = "anonymous_public", _("Anonymous member of the public")


class Topic(models.TextChoices):
    LABOUR_RIGHTS = "labour_rights", _("Labour rights")
    POSSIBLE_TRAFFICKING = "possible_trafficking", _("Possible trafficking")
    MIGRATION = "migration", _("Migration")
    SAFETY = "safety", _("Safety")
    OTHER = "other", pgettext_lazy("hotline topic", "Other")


class Action(models.TextChoices):
    INFORMATION = "information", _("Information given")
    REFERRED = "referred", _("Referred to a service in the network")
    POLICE_CONSENT = "police_consent", _("Passed to the police with consent")
    POLICE_DUTY = "police_duty", _("Passed to the police by legal duty")
    SCREENING = "screening", _("Screening started")
    CASE = "case", _("Case opened or linked")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Source(models.TextChoices):
    OPERATOR = "operator", _("Logged by an operator")
    PUBLIC = "public", _("Public website")


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: User) -> ContactQuerySet:
        from strom.hotline.access import contacts_visible_to

        return contacts_visible_to(user, self)


class Contact(models.Model):
    """One signal reaching the hotline. Urgent ones (immediate danger, a child) head the queue."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hotline_contacts", verbose_name=_("hotline")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OPERATOR)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    occurred_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    caller_type = models.CharField(_("caller"), max_length=20, choices=CallerType.choices)
    language = models.CharField(_("language"), max_length=3, blank=True, default="")
    interpreter = models.BooleanField(_("interpreter used"), default=False)
    country = models.CharField(_("country concerned"), max_length=2, choices=country_choices, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality concerned"),
    )
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    immediate_danger = models.BooleanField(_("immediate danger"), default=False)
    child = models.BooleanField(_("a child is concerned"), default=False)
    # 2 immediate danger, 1 a child, 0 otherwise: the queue sorts on it with one index.
    priority = models.PositiveSmallIntegerField(default=0, editable=False)
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    actions = ArrayField(
        models.CharField(max_length=20, choices=Action.choices),
        verbose_name=_("what was done"),
        default=list,
        blank=True,
    )
    referred_service = models.ForeignKey(
        "network.NetworkService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to"),
    )
    # Optional and minimised: only what the caller wants us to keep to reach them again.
    caller_name = EncryptedTextField(_("caller's name (optional)"), blank=True, default="")
    callback = EncryptedTextField(_("how to reach the caller (optional)"), blank=True, default="")
    contact_me = models.BooleanField(_("the caller asks to be contacted"), default=False)
    # HMAC of the phone number, set only with the caller's consent; the number itself is never stored.
    caller_key = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_contacts",
        verbose_name=_("case"),
    )
    screening = models.ForeignKey(
        "screening.Screening",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screening"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minimised_at = models.DateTimeField(_("identifying details removed"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ContactQuerySet.as_manager()
    # Linked to a case, the contact is part of it: its identifying fields go when the case is anonymised.
    retention = Retention(on_anonymise=Scrub(clear=("caller_key",)))

    class Meta:
        verbose_name = _("hotline contact")
        verbose_name_plural = _("hotline contacts")
        indexes = [
            # The queue's whole order, the id last: a page is read off the index, not sorted.
            models.Index(
                fields=["organisation", "status", "-priority", "-occurred_at", "-id"],
                name="hotline_contact_queue",
            ),
            models.Index(fields=["organisation", "caller_key"], name="hotline_contact_caller"),
        ]

    def __str__(self) -> str:
        return f"contact {self.pk}"

    @property
    def is_urgent(self) -> bool:
        return self.immediate_danger or self.child

    def action_labels(self) -> list[str]:
        labels = dict(Action.choices)
        return [str(labels.get(a, a)) for a in self.actions]


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture and food processing")
    CONSTRUCTION = "construction", _("Construction")
    HOSPITALITY = "hospitality", _("Hotels, restaurants and cafés")
    CLEANING = "cleaning", _("Cleaning")
    CARE = "care", _("Care work")
    DOMESTIC = "domestic", _("Domestic work")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TRANSPORT = "transport", _("Transport and logistics")
    FISHING = "fishing", _("Fishing")
    RETAIL = "retail", _("Shops and car washes")
    SEX_INDUSTRY = "sex_industry", _("Sex industry")
    OTHER = "other", pgettext_lazy("sector", "Other")


class PlaceIndicator(models.TextChoices):
    """What someone may see from outside at a workplace; a person's story goes to a contact instead."""

    NO_CONTRACT = "no_contract", _("Workers have no written contract")
    WAGES_WITHHELD = "wages_withheld", _("Wages withheld or far below the minimum")
    DOCUMENTS_TAKEN = "documents_taken", _("Passports or identity papers kept by the employer")
    LOCKED_IN = "locked_in", _("Workers cannot leave freely")
    LONG_HOURS = "long_hours", _("Very long hours, no days off")
    LIVING_ON_SITE = "living_on_site", _("Workers live at the workplace in poor conditions")
    DEBT = "debt", _("Workers owe debts to the employer or recruiter")
    THREATS = "threats", _("Threats or violence")
    CHILDREN = "children", _("Children working")
    TRANSPORTED = "transported", _("Workers are driven to and from work by the same people")


class TipQuerySet(models.QuerySet["Tip"]):
    def visible_to(self, user: User) -> TipQuerySet:
        from strom.hotline.access import tips_visible_to

        return tips_visible_to(user, self)


class Tip(models.Model):
    """A tip about a place or an employer. `place_key` groups tips about the same place without the
    place's name in clear: a keyed index of the normalised name and municipality."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hotline_tips", verbose_name=_("hotline")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tips",
        verbose_name=_("contact"),
    )
    place_name = EncryptedTextField(_("place or employer"))
    address = EncryptedTextField(_("address or location"), blank=True, default="")
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    indicators = ArrayField(
        models.CharField(max_length=20, choices=PlaceIndicator.choices),
        verbose_name=_("what was seen"),
        default=list,
        blank=True,
    )
    description = EncryptedTextField(_("description"), blank=True, default="")
    place_key = models.CharField(max_length=64, db_index=True, editable=False)
    # Tips about the same place share a group: the first tip's id, or one an operator chose.
    group = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("group")
    )
    received_at = models.DateTimeField(_("received"))
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TipQuerySet.as_manager()
    # A tip that came with a contact later linked to a case goes with that case; others stay with the hotline.
    retention = Retention(on_anonymise=Scrub(clear=("place_key",)))

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [models.Index(fields=["organisation", "-received_at"], name="hotline_tip_org")]

    def __str__(self) -> str:
        return f"tip {self.pk}"

    def indicator_labels(self) -> list[str]:
        labels = dict(PlaceIndicator.choices)
        return [str(labels.get(i, i)) for i in self.indicators]


class TipPassingQuerySet(models.QuerySet["TipPassing"]):
    def visible_to(self, user: User) -> TipPassingQuerySet:
        return self.filter(tip__in=Tip.objects.visible_to(user))


class TipPassing(models.Model):
    """A tip passed to the police or the labour inspectorate through a focal point of the network."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="passings")
    service = models.ForeignKey(
        "network.NetworkService", on_delete=models.PROTECT, related_name="+", verbose_name=_("passed to")
    )
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("note for the recipient"), blank=True, default="")
    passed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    passed_at = models.DateTimeField(_("passed"))

    objects = TipPassingQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("tip passed on")
        verbose_name_plural = _("tips passed on")

    def __str__(self) -> str:
        return f"tip {self.tip_id} to {self.to_organisation_id}"


class RightsPageQuerySet(_TranslatableQuerySet):
    pass


# What coordinators write on a know-your-rights page, per language (django-parler's translation table:
# docs/decisions/0004-content-languages.md).
RIGHTS_TEXT_FIELDS = ("title", "body")


class RightsPage(_TranslatableModel):
    """A country's "know your rights" page of the public front door, kept by the country's national
    coordinators, with a version of its texts per language. No personal data."""

    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=200),
        body=models.TextField(_("text"), help_text=_("Paragraphs, lists (- item) and **bold** text.")),
        # Each language's text has its own counter: a save names the one it read, so two coordinators
        # writing the same language do not overwrite each other, and writing another language is no conflict.
        version=models.PositiveIntegerField(default=1),
    )
    title = TranslatedField(any_language=True)
    body = TranslatedField(any_language=True)
    country = models.CharField(_("country"), max_length=2, choices=country_choices, unique=True)
    # The language the page was written in first; the public page falls back to it after English.
    original_language = models.CharField(_("original language"), max_length=3, default="en")
    updated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    # A TranslatableQuerySet: parler's queries (translated(), the language's rows) work on it.
    objects = RightsPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("know-your-rights page")
        verbose_name_plural = _("know-your-rights pages")

    def __str__(self) -> str:
        return self.country


class PublicRecipient(models.Model):
    """The hotline that receives a country's messages from the public front door, chosen by the
    country's national coordinators: at most one per country (the constraint). Without a choice, or
    while the chosen hotline is not active, the country's first active hotline receives them
    (strom.hotline.public.hotline_of). No personal data."""

    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("hotline")
    )
    chosen_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("receiver of public messages")
        verbose_name_plural = _("receivers of public messages")
        constraints = [
            models.UniqueConstraint(fields=["country"], name="hotline_one_public_recipient_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.organisation_id}"
