"""Partner instances and transnational referrals between them, in signed and encrypted messages.

A `Partner` is another country's STROM instance this one trusts: its URL and the thumbprints of its
keys, exchanged out of band. A `TransnationalReferral` exists on both sides under one uuid: outgoing
from a case here, incoming from a partner. Every message goes through the `OutboxMessage` table (a
durable queue the worker drains) and every message received is remembered by id in `ReceivedMessage`,
so a message is never applied twice. Rows live as long as the referral's case (Retention), an incoming
referral nobody opened a case from as long as the partner (see docs/transnational.md).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Self, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.cases.models import Case
from strom.consent.models import ConsentRecord
from strom.core.countries import country_choices
from strom.core.retention import Retention
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


class Measure(models.TextChoices):
    """The seven measures of the CBSS Baltic Sea Region Transnational Referral Mechanism."""

    PRESUMED_VICTIM = "presumed_victim", _("Presumed victim identified")
    INITIAL_REFERRAL = "initial_referral", _("National point of contact and initial referral")
    FORMAL_IDENTIFICATION = "formal_identification", _("Formal identification")
    REFLECTION = "reflection", _("Reflection and recovery period")
    URGENT_ASSISTANCE = "urgent_assistance", _("Urgent assistance")
    RETURN = "return", _("Return")
    LONG_TERM = "long_term", _("Long-term assistance and social inclusion")


class PartnerState(models.TextChoices):
    # We trust their keys; they have not yet confirmed that they trust ours.
    AWAITING = "awaiting", _("Waiting for the partner to confirm")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", pgettext_lazy("partner instance", "Suspended")


class Partner(models.Model):
    """Another STROM instance. Holds no personal data: its name, address and public keys."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    # The partner's API root, e.g. https://strom.example.lt/api/v1/transnational
    url = models.URLField(_("address of its transnational API"), max_length=300, unique=True)
    signing_thumbprint = models.CharField(_("signing key fingerprint"), max_length=64)
    encryption_thumbprint = models.CharField(_("encryption key fingerprint"), max_length=64)
    # The partner's public JWKS, checked against the thumbprints when added, replaced only by a
    # key-rotation message the partner signed with a key we already trust.
    jwks = models.JSONField(default=dict)
    # This instance's focal point for the partner: referrals from it arrive here, and only a focal
    # point of this organisation sends to it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("our focal point")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PartnerState.choices, default=PartnerState.AWAITING
    )
    confirmed_at = models.DateTimeField(_("confirmed by the partner"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspension_reason = models.CharField(_("reason for suspending"), max_length=300, blank=True, default="")
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner instance")
        verbose_name_plural = _("partner instances")
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.state == PartnerState.ACTIVE


class Direction(models.TextChoices):
    OUTGOING = "out", _("Sent")
    INCOMING = "in", _("Received")


class State(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("transnational referral state", "Waiting to be delivered")
    DELIVERED = "delivered", pgettext_lazy("transnational referral state", "Delivered")
    ACCEPTED = "accepted", pgettext_lazy("transnational referral state", "Accepted")
    DECLINED = "declined", pgettext_lazy("transnational referral state", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("transnational referral state", "Withdrawn")
    COMPLETED = "completed", pgettext_lazy("transnational referral state", "Completed")


# States in which the receiver still answers or works on the referral.
OPEN_STATES = frozenset({State.QUEUED, State.DELIVERED, State.ACCEPTED})
# Ended without the work being done: an incoming one loses what was sent after a while (Retention).
UNDONE_STATES = frozenset({State.DECLINED, State.WITHDRAWN})


class TransnationalReferralQuerySet(models.QuerySet["TransnationalReferral"]):
    def visible_to(self, user: User) -> TransnationalReferralQuerySet:
        from strom.transnational.access import referrals_visible_to

        return referrals_visible_to(user, self)


class TransnationalReferral(models.Model):
    # One uuid on both instances: every message about the referral names it.
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    # This instance's focal point organisation that sent or received it.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Outgoing: the case it was sent from. Incoming: the case opened from it here, if any.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="transnational_referrals"
    )
    measures = ArrayField(
        models.CharField(max_length=30, choices=Measure.choices), verbose_name=_("measures")
    )
    # The referrals app's sections (strom.referrals.models.Section) the message carries.
    scope = ArrayField(models.CharField(max_length=20), default=list, blank=True, verbose_name=_("scope"))
    # Incoming only: the sections as received (JSON, encrypted). Outgoing rows keep only the scope.
    content = EncryptedTextField(blank=True, default="")
    message = EncryptedTextField(_("message to the partner's focal point"), blank=True, default="")
    consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Incoming: the date the sender says the person consented to the transfer to this country.
    consent_given_on = models.DateField(null=True, blank=True)
    sender_name = models.CharField(_("sent by"), max_length=200, blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, default="")
    withdraw_reason = EncryptedTextField(_("reason for withdrawing"), blank=True, default="")
    completion_note = EncryptedTextField(_("note on completion"), blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # When it was declined, withdrawn or completed, on either side: the clock of the retention rule.
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Incoming, declined or withdrawn: when what the partner sent was deleted (docs/transnational.md).
    content_deleted_at = models.DateTimeField(null=True, blank=True)

    objects = TransnationalReferralQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("transnational referral")
        verbose_name_plural = _("transnational referrals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Both instances may hold the same uuid, once each way at most.
            models.UniqueConstraint(fields=["uuid", "direction"], name="trm_referral_uuid_per_direction"),
            models.CheckConstraint(
                condition=Q(direction="in") | (Q(case__isnull=False) & Q(consent__isnull=False)),
                name="trm_outgoing_has_case_and_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"transnational referral {self.short_ref}"

    @property
    def short_ref(self) -> str:
        return str(self.uuid)[:8].upper()

    @property
    def is_outgoing(self) -> bool:
        return self.direction == Direction.OUTGOING

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def measure_labels(self) -> list[str]:
        return [str(label) for value, label in Measure.choices if value in self.measures]


_M = TypeVar("_M", bound=models.Model)


class TransnationalPartQuerySet(models.QuerySet[_M]):
    """A referral's history, return plan and messages are visible exactly when the referral is."""

    def visible_to(self, user: User) -> Self:
        return self.filter(referral__in=TransnationalReferral.objects.visible_to(user))


class Change(models.Model):
    """Each state change on either side, for the message detail page and the person's record."""

    referral = models.ForeignKey(TransnationalReferral, on_delete=models.CASCADE, related_name="changes")
    state = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # True: the partner made the change and told us in a signed message.
    remote = models.BooleanField(default=False)

    objects = TransnationalPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.state} at {self.at:%Y-%m-%d}"


class PlanState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed by both sides")


class ReturnPlan(models.Model):
    """A return across the border: handover date, receiving organisation and follow-up, agreed in
    messages. A new proposal from either side replaces the terms and waits for the other's agreement."""

    referral = models.OneToOneField(
        TransnationalReferral, on_delete=models.CASCADE, related_name="return_plan"
    )
    handover_on = models.DateField(_("handover date"))
    receiving_organisation = models.CharField(_("receiving organisation"), max_length=200)
    follow_up = EncryptedTextField(_("follow-up agreed"), blank=True, default="")
    follow_up_on = models.DateField(_("first follow-up contact"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.PROPOSED)
    # Which side made the standing proposal: the other side agrees to it.
    proposed_remotely = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    agreed_at = models.DateTimeField(null=True, blank=True)

    objects = TransnationalPartQuerySet.as_manager()
    retention = Retention()

    def __str__(self) -> str:
        return f"return plan of {self.referral_id}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def visible_to(self, user: User) -> OutboxQuerySet:
        from strom.transnational.access import outbox_visible_to

        return outbox_visible_to(user, self)


class OutboxMessage(models.Model):
    """A message to a partner, kept until the partner has confirmed it with a signed receipt.

    `message_id` is the idempotency key: every attempt sends the same id, freshly signed, and the
    partner applies an id once. The body is encrypted at rest (it may carry a case's sections)."""

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbox")
    referral = models.ForeignKey(
        TransnationalReferral, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox"
    )
    kind = models.CharField(max_length=40)
    body = EncryptedTextField(default="")
    # Empty: the current signing key. A key-rotation notice is signed with the key the partner knows.
    sign_with = models.CharField(max_length=64, blank=True, default="")
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Why the last attempt failed, in words about the transport only (never the body).
    last_error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The partner's signed receipt (a compact JWS), kept as proof of delivery.
    receipt = models.TextField(blank=True, default="")

    objects = OutboxQuerySet.as_manager()
    retention = Retention()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="trm_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class ReceivedMessage(models.Model):
    """The id of every message applied, so a replay is refused. Holds no content."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="received")
    message_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=40)
    referral = models.ForeignKey(
        TransnationalReferral, on_delete=models.SET_NULL, null=True, blank=True, related_name="received"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    objects = TransnationalPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"
