"""The chain of assistance on a case: decisions, reflection period, stage history, return plans,
residence permits, proceedings, tasks (the clocks' output) and reminders; and the versions of each
country's rules the clocks follow.

These models were in the `cases` app and keep its tables (`db_table = "cases_..."`), and their
encrypted columns keep the context they were written under (`context_label`), so an existing database
moved over without touching a row. Every row hangs off a Case with on_delete=CASCADE: erasing a person
removes all of it. Free text that could identify someone (reasons, details) is encrypted.
A country rules version holds no personal data: the rules are law, and who published one is staff.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.cases.choices import Stage
from strom.cases.models import CasePartQuerySet
from strom.core.countries import country_choices
from strom.core.retention import DELETE, Hold, Retention, Scrub
from strom.crypto.fields import EncryptedTextField

__all__ = [
    "CaseStageChange",
    "CaseTask",
    "ClosureReason",
    "CountryRuleVersion",
    "Decision",
    "DecisionKind",
    "DecisionMaker",
    "DecisionRequest",
    "DecisionRequestState",
    "Outcome",
    "PermitBasis",
    "PermitDecision",
    "PermitRenewal",
    "Proceeding",
    "ProceedingKind",
    "ProceedingRole",
    "ProceedingStatus",
    "ReflectionExtension",
    "ReflectionPeriod",
    "Reminder",
    "ReminderKind",
    "ResidencePermit",
    "ReturnKind",
    "ReturnPlan",
]


_M = TypeVar("_M", bound=models.Model)


class PeriodPartQuerySet(CasePartQuerySet[_M]):
    case_path = "period__case"


class PermitPartQuerySet(CasePartQuerySet[_M]):
    case_path = "permit__case"


class TaskPartQuerySet(CasePartQuerySet[_M]):
    case_path = "task__case"


class DecisionKind(models.TextChoices):
    REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable-grounds decision")
    FORMAL_IDENTIFICATION = "formal_identification", _("Formal identification decision")


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class DecisionMaker(models.TextChoices):
    # HTCDS vic_TraffickingStatusDecisionMakingOrg
    POLICE = "Police", _("Police")
    NGO = "NGO", _("Non-governmental organisation")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENTAL = "NonPoliceGovernmentalOrganization", _("Non-police governmental organisation")
    OTHER = "Other", pgettext_lazy("who decides", "Other")


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "GoalsAchieved", _("Goals of the support plan achieved")
    RETURNED = "ReturnedToCountryOfOrigin", _("Returned to the country of origin")
    REFERRED = "ReferredElsewhere", _("Referred to another organisation")
    NO_LONGER_WANTS_SUPPORT = "NoLongerWantsSupport", _("The person no longer wants support")
    LOST_CONTACT = "LostContact", _("Contact lost")
    NOT_A_VICTIM = "NotAVictim", _("Not a victim of trafficking")
    DECEASED = "Deceased", _("Deceased")
    OTHER = "Other", _("Other reason")


class Decision(models.Model):
    """A reasonable-grounds or formal-identification decision, and who took it.

    `decided_by` is the STROM user who decided; it is empty when an outside body (e.g. the police)
    decided and `recorded_by` wrote it down. `decided_by_org_type` always says which kind of body it was.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=24, choices=DecisionKind.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    decided_by_org_type = models.CharField(
        _("decided by (type of body)"), max_length=40, choices=DecisionMaker.choices
    )  # vic_TraffickingStatusDecisionMakingOrg
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateField(_("date of the decision"))
    reason = EncryptedTextField(_("reasons"), blank=True, default="", context_label="cases.decision")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_decision"
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["case", "kind", "-decided_at", "-id"], name="decision_case_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} on case {self.case_id}"


class DecisionRequestState(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    DECIDED = "decided", _("Decided")
    DECLINED = "declined", _("Declined")


class DecisionRequest(models.Model):
    """Someone who may not decide (a case worker) asks those who may (the organisation's supervisors)
    to record a decision on a case. The person asked gets a task; the answer goes back to the asker.

    The note and the reason for declining are free text and may name someone: encrypted.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="decision_requests")
    kind = models.CharField(_("decision"), max_length=24, choices=DecisionKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionRequestState.choices, default=DecisionRequestState.OPEN
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # The organisation whose deciders are asked: the case's own.
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    # The one who gets the task; any decider of the organisation may answer.
    addressed_to = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("asked")
    )
    task = models.ForeignKey("stages.CaseTask", on_delete=models.SET_NULL, null=True, related_name="+")
    note = EncryptedTextField(_("note"), blank=True, default="", context_label="stages.decision_request")
    decline_reason = EncryptedTextField(
        _("reason for declining"), blank=True, default="", context_label="stages.decision_request"
    )
    decision = models.ForeignKey(Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        verbose_name = _("request for a decision")
        verbose_name_plural = _("requests for a decision")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(state="open"),
                name="one_open_decision_request_per_kind",
            )
        ]
        indexes = [
            models.Index(fields=["addressed_to", "state"], name="decision_request_addressed"),
            models.Index(fields=["requested_by", "-created_at"], name="decision_request_by"),
        ]

    def __str__(self) -> str:
        return f"decision request {self.pk} ({self.kind}, {self.state})"


class ReflectionPeriod(models.Model):
    """The recovery and reflection period (CoE Convention Art. 13). `ends_on` is its last day."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="reflection")
    starts_on = models.DateField(_("starts"))
    base_days = models.PositiveSmallIntegerField(_("days granted"))
    extension_days = models.PositiveSmallIntegerField(_("days of extension"), default=0)
    ends_on = models.DateField(_("last day"))
    # The country's rules in force on the first day; the period keeps them (its length, extensions).
    rule_version = models.ForeignKey(
        "stages.CountryRuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_reflectionperiod"
        verbose_name = _("reflection and recovery period")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="reflection_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"reflection of case {self.case_id}"

    @property
    def total_days(self) -> int:
        return self.base_days + self.extension_days


class ReflectionExtension(models.Model):
    period = models.ForeignKey(ReflectionPeriod, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = EncryptedTextField(_("reason"), context_label="cases.reflectionextension")
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PeriodPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_reflectionextension"
        constraints = [models.CheckConstraint(condition=models.Q(days__gt=0), name="extension_days_positive")]

    def __str__(self) -> str:
        return f"+{self.days} days"


class CaseStageChange(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=32)
    to_stage = models.CharField(max_length=32)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")
    reason = EncryptedTextField(_("reason"), blank=True, default="", context_label="cases.casestagechange")

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_casestagechange"
        indexes = [models.Index(fields=["case", "at"], name="stage_change_case_at")]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"

    @property
    def from_stage_label(self) -> str:
        return _stage_label(self.from_stage)

    @property
    def to_stage_label(self) -> str:
        return _stage_label(self.to_stage)


def _stage_label(code: str) -> str:
    """A stage in words; a code no longer in the list (history outlives it) as stored."""
    return str(dict(Stage.choices).get(code, code))


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return to the country of origin")
    REINTEGRATION = "reintegration", _("Reintegration")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")


class ReturnPlan(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="return_plans")
    kind = models.CharField(_("type"), max_length=20, choices=ReturnKind.choices)
    destination_country = models.CharField(
        _("destination country"), max_length=2, choices=country_choices, blank=True
    )
    risk_assessment_done = models.BooleanField(_("risk assessment done"), default=False)
    risk_assessment_on = models.DateField(_("date of the risk assessment"), null=True, blank=True)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_returnplan"

    def __str__(self) -> str:
        return f"{self.kind} plan of case {self.case_id}"


class PermitBasis(models.TextChoices):
    # CoE Convention Art. 14(1)(a) and (b).
    PERSONAL_SITUATION = "personal_situation", _("Personal situation")
    COOPERATION = "cooperation", _("Cooperation with the authorities")


class PermitDecision(models.TextChoices):
    PENDING = "pending", _("Applied, no decision yet")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", pgettext_lazy("residence permit decision", "Refused")
    WITHDRAWN = "withdrawn", _("Application withdrawn")


class ResidencePermit(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="residence_permits")
    basis = ArrayField(models.CharField(max_length=20, choices=PermitBasis.choices), verbose_name=_("basis"))
    applied_on = models.DateField(_("applied"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=PermitDecision.choices, default=PermitDecision.PENDING
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_residencepermit"
        verbose_name = _("residence permit")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
                name="permit_valid_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"residence permit {self.pk}"

    @property
    def basis_labels(self) -> list[str]:
        labels = dict(PermitBasis.choices)
        return [str(labels.get(code, code)) for code in self.basis]


class PermitRenewal(models.Model):
    permit = models.ForeignKey(ResidencePermit, on_delete=models.CASCADE, related_name="renewals")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PermitPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_permitrenewal"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="renewal_until_after_from"
            )
        ]

    def __str__(self) -> str:
        return f"renewal of permit {self.permit_id}"


class ProceedingKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    CIVIL = "civil", _("Civil")
    ADMINISTRATIVE = "administrative", _("Administrative")


class ProceedingRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    INJURED_PARTY = "injured_party", _("Injured party")
    CIVIL_CLAIMANT = "civil_claimant", _("Civil claimant")
    NONE = "none", _("No role")


class ProceedingStatus(models.TextChoices):
    PLANNED = "planned", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    CONCLUDED = "concluded", _("Concluded")
    DISCONTINUED = "discontinued", _("Discontinued")


class Proceeding(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(_("kind"), max_length=16, choices=ProceedingKind.choices)
    role = models.CharField(_("the person's role"), max_length=16, choices=ProceedingRole.choices)
    compensation_claimed = models.BooleanField(_("compensation claimed"), default=False)
    compensation_amount = models.DecimalField(
        _("amount claimed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_currency = models.CharField(_("currency"), max_length=3, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProceedingStatus.choices, default=ProceedingStatus.ONGOING
    )
    # The court or authority. Free text can still hold a judge's, an investigator's or the person's
    # name, and a small court names a place: encrypted (docs/security.md).
    authority = EncryptedTextField(
        _("court or authority"), blank=True, default="", context_label="cases.proceeding"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CasePartQuerySet.as_manager()
    # Proceedings still running keep the case beyond its retention period (the person may be needed
    # as a witness, a claim may be pending).
    retention = Retention(
        holds_case=Hold(
            open=~models.Q(status__in=[ProceedingStatus.CONCLUDED, ProceedingStatus.DISCONTINUED])
        )
    )

    class Meta:
        db_table = "cases_proceeding"
        verbose_name = _("proceedings")
        verbose_name_plural = _("proceedings")

    def __str__(self) -> str:
        return f"{self.kind} proceedings {self.pk}"


class CaseTask(models.Model):
    """Something to do on a case by a date. Clocks make them; workers make manual ones.

    The title is a key into strom/stages/clocks.py TASK_TITLES plus parameters, never free text, so
    task lists, reminders and e-mails carry no personal data.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=32)  # a clock's name, or "manual"
    title_key = models.CharField(max_length=40)
    title_params = models.JSONField(default=dict, blank=True)
    # Which record the clock follows (e.g. "permit:12"), so a later change moves the same task.
    source = models.CharField(max_length=40, blank=True, default="")
    due_date = models.DateField(_("due"))
    # A clock's task: the country's rules it started with, kept when it moves. Empty for manual tasks.
    rule_version = models.ForeignKey(
        "stages.CountryRuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CasePartQuerySet.as_manager()
    # Task titles are message keys with dates and counts, never names (strom/stages/clocks.py).
    retention = Retention(on_anonymise=Scrub(keep=("title_params",)))

    class Meta:
        db_table = "cases_casetask"
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["assignee", "due_date"],
                name="task_open_by_assignee",
                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(
                fields=["due_date"],
                name="task_open_due",
                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["case", "due_date"], name="task_case_due"),
        ]

    def __str__(self) -> str:
        return f"task {self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @property
    def title(self) -> str:
        from strom.stages.clocks import task_title

        return task_title(self.title_key, self.title_params)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Reminder(models.Model):
    """A reminder that went out for a task; one per task and kind, so none is sent twice."""

    task = models.ForeignKey(CaseTask, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    objects = TaskPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        db_table = "cases_reminder"
        constraints = [models.UniqueConstraint(fields=["task", "kind"], name="one_reminder_per_task_kind")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for task {self.task_id}"


class CountryRuleVersion(models.Model):
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    # Every item of country_rules.ITEMS: {"value", "source", "status", "verified_by", "verified_on"}.
    items = models.JSONField()
    # What changed and why; for a version that takes effect before the day it was made, the reason.
    note = models.TextField(_("note"), blank=True, default="")
    backdated = models.BooleanField(default=False)
    # Empty for the shipped first version.
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_countryruleversion"
        verbose_name = _("country rules version")
        verbose_name_plural = _("country rules versions")
        constraints = [
            models.UniqueConstraint(fields=["country", "number"], name="one_rule_version_number_per_country")
        ]
        indexes = [
            models.Index(fields=["country", "-effective_from", "-number"], name="rule_version_in_force")
        ]

    def __str__(self) -> str:
        return f"{self.country} rules v{self.number}"


class DeadlineFeed(models.Model):
    """A worker's secret link to their deadlines as an iCalendar feed: calendar apps cannot log in, so
    the link itself is the key. Only a hash of the token is kept; a new link replaces the old one and
    revoking deletes it. The feed carries case references and what is due, never a name."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="deadline_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"deadline feed:{self.user_id}"
