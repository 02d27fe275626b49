"""Consent records: what the person agreed (or refused) to, for which purpose and recipient.

Records are never deleted or edited. A withdrawal is a new state of a record (withdrawn_at set once);
a new decision by the person is a new record. `strom.consent.selectors.consent_status` is the one
place that answers "may we do this for this person now?".

Records belong to the person (on_delete=CASCADE from Person and Case): erasing the person removes
them; anonymising a case clears the withdrawal reason and keeps purpose, answer and dates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from strom.cases.models import Case, Person
from strom.core.countries import country_choices
from strom.core.retention import Retention
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


class Purpose(models.TextChoices):
    SERVICES = "services", _("Receiving assistance and services")
    DISCLOSURE = "disclosure", _("Disclosure to a named organisation")
    # HTCDS con_Consent / vic_AgreementToManagePersonalData: use of the data for statistics.
    STATISTICS = "statistics", _("Use in statistics")
    CROSS_BORDER = "cross_border", _("Transfer to another country")


class HowRecorded(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ORAL_WITNESSED = "oral_witnessed", _("Orally, with a witness")
    INTERPRETER = "interpreter", _("Through an interpreter")
    GUARDIAN = "guardian", _("By the guardian or representative (child)")


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def visible_to(self, user: User) -> ConsentRecordQuerySet:
        """Records of a visible case, and person-wide records of a person with a visible case."""
        cases = Case.objects.visible_to(user)
        persons = Person.objects.visible_to(user)
        return self.filter(Q(case__in=cases) | Q(case__isnull=True, person__in=persons))


class ConsentRecord(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    # Empty: the answer applies to every case of the person. Set: to this case only.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="consents", verbose_name=_("case")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    recipient_country = models.CharField(
        _("receiving country"), max_length=2, choices=country_choices, blank=True, default=""
    )
    given = models.BooleanField(_("consent given"))  # False: the person refused, which is recorded too
    given_at = models.DateField(_("date of the answer"))
    how = models.CharField(_("how it was recorded"), max_length=20, choices=HowRecorded.choices)
    # A child's case when recorded: consent should come from the guardian or representative.
    for_child = models.BooleanField(default=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = EncryptedTextField(_("reason for withdrawal"), blank=True, default="")
    withdrawn_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawal_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentRecordQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="disclosure") | Q(recipient_organisation__isnull=False),
                name="consent_disclosure_names_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(purpose="cross_border") | ~Q(recipient_country=""),
                name="consent_transfer_names_country",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("given_at")),
                name="consent_valid_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} ({self.purpose})"

    @property
    def child_without_guardian(self) -> bool:
        return self.for_child and self.how != HowRecorded.GUARDIAN

    @property
    def recipient_display(self) -> str:
        if self.recipient_organisation_id and self.recipient_organisation:
            return self.recipient_organisation.name
        if self.recipient_country:
            return str(self.get_recipient_country_display())
        return ""
