"""Screenings: which indicators a worker observed, scored against one version of one indicator set.

A screening can exist before any case (an anonymous pre-screening: no name, only rough context) and
is later converted into a case, or it is made on an existing case. The result is computed when the
screening is saved and kept as a snapshot with the rule version, so an old screening reads the same
after the lists or the rule change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.cases.choices import Exploitation, Gender
from strom.core.retention import Retention, Scrub
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Municipality, Organisation
from strom.screening.scoring import LEVEL_LABELS

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.screening.indicators import IndicatorSet
    from strom.screening.scoring import ScreeningResult


class AgeBand(models.TextChoices):
    # Rough bands only: a pre-screening must not carry a date of birth.
    UNDER_12 = "0-11", _("Under 12")
    TEEN = "12-17", _("12 to 17")
    YOUNG_ADULT = "18-24", _("18 to 24")
    ADULT = "25-39", _("25 to 39")
    MIDDLE = "40-59", _("40 to 59")
    OLDER = "60+", _("60 or older")
    UNKNOWN = "unknown", pgettext_lazy("age", "Not known")


CHILD_AGE_BANDS = frozenset({AgeBand.UNDER_12, AgeBand.TEEN})


class ScreeningQuerySet(models.QuerySet["Screening"]):
    def visible_to(self, user: User) -> ScreeningQuerySet:
        from strom.screening.access import screenings_visible_to

        return screenings_visible_to(user, self)


class Screening(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("organisation")
    )
    # Erasing a case or a person removes its screenings with it.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screenings",
        verbose_name=_("case"),
    )
    indicator_set_id = models.CharField(_("indicator set"), max_length=60)
    indicator_set_version = models.PositiveIntegerField(_("indicator set version"))
    # The scoring rule version the stored result was made with (strom/screening/scoring.py).
    rule_version = models.PositiveIntegerField(_("scoring rule version"))
    observed = ArrayField(
        models.CharField(max_length=30), verbose_name=_("observed indicators"), default=list, blank=True
    )
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    result = models.JSONField(_("result"), default=dict)
    # Copy of result["level"] for lists and filters.
    level = models.CharField(_("result"), max_length=10, choices=list(LEVEL_LABELS.items()))
    # Context of an anonymous pre-screening: never a name, only what helps to choose and to count.
    age_band = models.CharField(
        _("approximate age"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    gender = models.CharField(_("sex/gender"), max_length=32, choices=Gender.choices, blank=True, default="")
    exploitation = models.CharField(
        _("form of exploitation"), max_length=40, choices=Exploitation.choices, blank=True, default=""
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    anonymous = models.BooleanField(_("anonymous pre-screening"), default=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("screened by")
    )
    created_at = models.DateTimeField(_("screened"), auto_now_add=True)
    converted_at = models.DateTimeField(_("converted into a case"), null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()
    # The result is the scoring of ticked indicators (dimension levels and indicator codes): no free text.
    retention = Retention(on_anonymise=Scrub(keep=("result",)))

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [
            models.Index(fields=["organisation", "-id"], name="screening_org_id"),
            models.Index(fields=["created_by", "-id"], name="screening_creator_id"),
            models.Index(fields=["case", "-id"], name="screening_case_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(converted_at__isnull=True) | models.Q(case__isnull=False),
                name="screening_converted_has_case",
            ),
        ]

    def __str__(self) -> str:
        return f"screening {self.pk}"

    def indicator_set(self) -> IndicatorSet:
        from strom.screening.indicators import get_set

        return get_set(self.indicator_set_id, self.indicator_set_version)

    def scored(self) -> ScreeningResult:
        from strom.screening.scoring import ScreeningResult

        return ScreeningResult.from_dict(self.result)


class IndicatorSetVersion(models.Model):
    """One published version of one indicator set: the document, its source and who verified it.

    The shipped files are loaded as the first rows (migration 0002); a correction is a new row with
    the next version number, never an edit (strom/screening/set_services.py). Rows are not personal
    data: indicator texts and the names of the people or offices that checked them.
    """

    set_id = models.CharField(_("indicator set"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    # "" for a shared set, published by the system admin; a country's own set by its coordinators.
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    document = models.JSONField(_("indicator set document"))
    source_document = models.CharField(_("source (act or document)"), max_length=500)
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True, default="")
    checked_on = models.DateField(_("date checked"), null=True, blank=True)
    verified_by = models.CharField(_("verified by"), max_length=200, blank=True, default="")
    verified = models.BooleanField(_("verified against the source"), default=False)
    change_note = models.TextField(_("what changed"), blank=True, default="")
    shipped = models.BooleanField(_("shipped with STROM"), default=False)
    published_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator set version")
        verbose_name_plural = _("indicator set versions")
        constraints = [
            models.UniqueConstraint(fields=["set_id", "version"], name="indicator_set_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.set_id}/{self.version}"


class ScreeningRecheckQuerySet(models.QuerySet["ScreeningRecheck"]):
    def visible_to(self, user: User) -> ScreeningRecheckQuerySet:
        from strom.screening.access import rechecks_visible_to

        return rechecks_visible_to(user, self)


class ScreeningRecheck(models.Model):
    """A task for the organisation that made a child's screening: look at it again, because the
    current rule rates it differently. Never an automatic change of the screening itself."""

    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="rechecks", verbose_name=_("screening")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    rule_version = models.PositiveIntegerField(_("current rule version"))
    stored_rule_version = models.PositiveIntegerField(_("rule version of the screening"))
    stored_level = models.CharField(
        _("result when screened"), max_length=10, choices=list(LEVEL_LABELS.items())
    )
    current_level = models.CharField(
        _("result under the current rule"), max_length=10, choices=list(LEVEL_LABELS.items())
    )
    # The case task, when the screening belongs to a case (made through the cases task service).
    task = models.ForeignKey(
        "stages.CaseTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("looked at again"), null=True, blank=True)
    done_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScreeningRecheckQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("screening to look at again")
        verbose_name_plural = _("screenings to look at again")
        constraints = [
            models.UniqueConstraint(fields=["screening", "rule_version"], name="screening_recheck_once"),
        ]
        indexes = [models.Index(fields=["organisation", "done_at"], name="screening_recheck_org")]

    def __str__(self) -> str:
        return f"recheck of screening {self.screening_id} for rule {self.rule_version}"


class RecheckRun(models.Model):
    """That the re-check for a rule version has run: the worker then skips it (run once)."""

    rule_version = models.PositiveIntegerField(unique=True)
    finished_at = models.DateTimeField(auto_now_add=True)
    screenings_checked = models.PositiveIntegerField(default=0)
    rechecks_created = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"re-check for rule {self.rule_version}"
