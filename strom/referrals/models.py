"""Referrals: a case sent to a service of another organisation, carrying a chosen scope and nothing more.

A referral is made from a case (draft), sent, then answered by the receiving organisation (accepted or
declined), taken up (in progress) and completed; the sender may withdraw it, and one not answered in
time expires. A transfer is a referral that, once accepted, moves the case to the receiving
organisation.

What the receiver may see is the scope (a set of `Section`s) and only while the referral is live and
its legal basis holds: `strom.referrals.access.receiver_scope` is the one place that answers it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Self, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.cases.models import Case
from strom.consent.models import ConsentRecord
from strom.core.retention import Retention
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Municipality, Organisation
from strom.network.models import NetworkService

if TYPE_CHECKING:
    from strom.accounts.models import User


class Kind(models.TextChoices):
    REFERRAL = "referral", _("Referral to a service")
    TRANSFER = "transfer", _("Transfer of the case")


class State(models.TextChoices):
    # A context of their own: "Sent" or "Withdrawn" of a referral agree with its noun in Latvian and
    # Russian, unlike the same English words for a consent or a service.
    DRAFT = "draft", pgettext_lazy("referral state", "Draft")
    SENT = "sent", pgettext_lazy("referral state", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral state", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral state", "Declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral state", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral state", "Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral state", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("referral state", "Expired")


# While a referral is in one of these states the receiver may see its scope.
LIVE_STATES = frozenset({State.SENT, State.ACCEPTED, State.IN_PROGRESS})
# States a referral never leaves.
FINAL_STATES = frozenset({State.DECLINED, State.COMPLETED, State.WITHDRAWN, State.EXPIRED})


class Section(models.TextChoices):
    """The parts of a case a sender may share. Order is the order they are shown in."""

    IDENTITY = "identity", _("Identity: names, sex/gender, date of birth, citizenship, languages, documents")
    CONTACT = "contact", _("Contact details and current address")
    STATUS = "status", _("Case status: stage, forms of exploitation, decisions and reflection period")
    EVENTS = "events", _("Trafficking events: places and dates")
    NEEDS = "needs", _("Needs and support plan")
    PERPETRATORS = "perpetrators", _("Suspected perpetrators")
    DOCUMENTS = "documents", _("Documents (files)")
    NOTES = "notes", _("Case notes (not restricted ones)")


# Sections that go only with the person's consent to disclosure, never on an override: files, the
# worker's notes and accusations against named people are the most harmful to leak and rarely needed
# to start a service.
CONSENT_ONLY_SECTIONS = frozenset({Section.DOCUMENTS, Section.NOTES, Section.PERPETRATORS})


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency: answer within 24 hours")
    URGENT = "urgent", _("Urgent: answer within 3 days")
    ROUTINE = "routine", _("Routine: answer within 10 days")


RESPONSE_TIME: dict[str, dt.timedelta] = {
    Urgency.EMERGENCY: dt.timedelta(hours=24),
    Urgency.URGENT: dt.timedelta(days=3),
    Urgency.ROUTINE: dt.timedelta(days=10),
}


class Basis(models.TextChoices):
    CONSENT = "consent", _("The person's consent")
    OVERRIDE = "override", _("Override without consent, with a reason")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        from strom.referrals.access import referrals_visible_to

        return referrals_visible_to(user, self)


class Referral(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REFERRAL)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("from")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("to")
    )
    # Empty for a transfer, which goes to an organisation rather than one of its services.
    service = models.ForeignKey(
        NetworkService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service"),
    )
    # Where the person will use the service: the case's municipality, or another one (a return home).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    scope = ArrayField(
        models.CharField(max_length=20, choices=Section.choices),
        default=list,
        blank=True,
        verbose_name=_("scope"),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.URGENT)
    # Written by the sender for the receiver; the form warns that it must stay within the scope.
    message = EncryptedTextField(_("message to the receiver"), blank=True, default="")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    basis = models.CharField(_("legal basis"), max_length=10, choices=Basis.choices, blank=True, default="")
    consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cross_border_consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = EncryptedTextField(_("reason for the override"), blank=True, default="")
    respond_by = models.DateTimeField(_("answer due by"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    responded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, default="")
    # The receiver's worker in charge after acceptance: the sender's contact from then on.
    handled_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_on = models.DateField(_("service delivered until"), null=True, blank=True)
    completion_note = EncryptedTextField(_("completion note"), blank=True, default="")
    support_service = models.ForeignKey(
        "support.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = EncryptedTextField(_("reason for withdrawing"), blank=True, default="")
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["to_organisation", "state", "-sent_at"], name="referral_inbox"),
            models.Index(fields=["from_organisation", "-created_at"], name="referral_outbox"),
            models.Index(fields=["state", "respond_by"], name="referral_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="transfer") | Q(service__isnull=False), name="referral_names_service"
            ),
            models.CheckConstraint(
                condition=~Q(basis="consent") | Q(consent__isnull=False), name="referral_consent_basis"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(sent_at__isnull=False) & ~Q(basis="")),
                name="referral_sent_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.short_ref}"

    @property
    def short_ref(self) -> str:
        """What people read out on the phone: the first 8 characters of the uuid."""
        return str(self.uuid)[:8].upper()

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_transfer(self) -> bool:
        return self.kind == Kind.TRANSFER

    @property
    def is_cross_border(self) -> bool:
        return self.to_organisation.country != self.case.country

    def scope_labels(self) -> list[str]:
        return [str(label) for value, label in Section.choices if value in self.scope]


_M = TypeVar("_M", bound=models.Model)


class ReferralPartQuerySet(models.QuerySet[_M]):
    """A referral's history and reminders are visible exactly when the referral is."""

    def visible_to(self, user: User) -> Self:
        return self.filter(referral__in=Referral.objects.visible_to(user))


class ReferralChange(models.Model):
    """Each state change, for the referral's history and the person's disclosure record."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    state = models.CharField(max_length=12, choices=State.choices)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ReferralPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.state} at {self.at:%Y-%m-%d}"


class ReferralReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Answer due soon")
    OVERDUE = "overdue", _("Answer overdue")


class ReferralReminder(models.Model):
    """One per referral and kind, so a reminder never goes out twice."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReferralReminderKind.choices)
    sent_at = models.DateTimeField()

    objects = ReferralPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind"], name="one_referral_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for referral {self.referral_id}"
