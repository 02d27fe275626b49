"""Baseline assessments: questionnaires read from XLSForm, rounds sent to organisations, their responses
and the findings that became recommendations.

Decision (docs/assessments.md): an assessment asks about institutions (who identifies, who houses,
written procedures), never about victims, and the form says so; a free-text answer that names a person
is the respondent's responsibility. So no model here holds personal data in STROM's sense (no link to
a person or case, nothing encrypted); who saved or submitted what is in the audit log. Rows live as
long as the instance keeps its assessments: a questionnaire with rounds is never deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.actionplans.models import Recommendation
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.assessments.survey import Survey


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def visible_to(self, user: User) -> QuestionnaireQuerySet:
        from strom.assessments.access import may_read

        return self if may_read(user) else self.none()


class Questionnaire(models.Model):
    """One version of an XLSForm: its `form_id` and `version` settings identify it."""

    form_id = models.CharField(_("form ID"), max_length=100)
    version = models.CharField(_("version"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    default_language = models.CharField(_("default language"), max_length=100)
    # [{"name": "Latviešu (lv)", "code": "lv"}, ...], the form's own language columns.
    languages = models.JSONField(_("languages"), default=list)
    # The tree of groups, repeats and questions and the choice lists (strom/assessments/xlsform.py).
    structure = models.JSONField()
    # The sheets as written (header and rows), to give the form back as XLSForm.
    sheets = models.JSONField(default=dict)
    source = models.BinaryField(_("original file"))
    source_name = models.CharField(_("file name"), max_length=200)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["form_id", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["form_id", "version"], name="assessments_questionnaire_version")
        ]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    def survey(self) -> Survey:
        from strom.assessments.survey import Survey

        return Survey(self.structure, self.languages, self.default_language)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user: User) -> RoundQuerySet:
        from strom.assessments.access import may_read

        return self if may_read(user) else self.none()


class Round(models.Model):
    """A questionnaire sent to the organisations of some types in some countries, with a deadline."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("title"), max_length=300)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    countries = ArrayField(models.CharField(max_length=2), verbose_name=_("countries"))
    org_types = ArrayField(models.CharField(max_length=40), verbose_name=_("types of organisation"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "pk"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.title


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")


EDITABLE = (ResponseStatus.NOT_STARTED, ResponseStatus.DRAFT, ResponseStatus.RETURNED)


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: User) -> ResponseQuerySet:
        from strom.assessments.access import responses_visible_to

        return responses_visible_to(user, self)


class Response(models.Model):
    """One organisation's answers in a round, shared by its colleagues who answer assessments."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED
    )
    # By question name (strom/assessments/survey.py), never by label.
    answers = models.JSONField(_("answers"), default=dict)
    # The form language the answers were last given in (a language name of the questionnaire).
    language = models.CharField(_("language"), max_length=100, blank=True)
    # Raised on every save, so a colleague's save in between is noticed instead of overwritten.
    revision = models.PositiveIntegerField(default=0)
    return_comment = models.TextField(_("comments on return"), blank=True)
    updated_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__country", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="assessments_response_once")
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.round}: {self.organisation}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE and self.round.status == RoundStatus.OPEN


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: User) -> FindingQuerySet:
        from strom.assessments.access import may_read

        return self if may_read(user) else self.none()


class Finding(models.Model):
    """A result of a round that became a recommendation, followed up in action plans."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="findings"
    )
    question = models.CharField(_("question"), max_length=100, blank=True)
    recommendation = models.OneToOneField(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return str(self.recommendation)


class RoundReminder(models.Model):
    """A reminder sent before a round's deadline: one per round and number of days before, so two
    workers or two runs never send it twice."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "days_before"], name="assessments_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.days_before}"
