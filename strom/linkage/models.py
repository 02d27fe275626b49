"""Candidate duplicate pairs of persons, and merges of two records of one person.

Neither holds a name: a pair names two persons and the probability the model gave; a merge records
which rows moved from the merged person to the kept one, so that it can be undone within the grace
period. Both go with the persons they name: deleted when a case of either person is anonymised or
erased (strom/core/retention.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.cases.models import Person
from strom.core.retention import DELETE, Retention
from strom.crypto.fields import EncryptedTextField

if TYPE_CHECKING:
    from strom.accounts.models import User


class PairStatus(models.TextChoices):
    OPEN = "open", _("to review")
    DISMISSED = "dismissed", _("not the same person")
    MERGED = "merged", _("merged")


class CandidatePairQuerySet(models.QuerySet["CandidatePair"]):
    def visible_to(self, user: User) -> CandidatePairQuerySet:
        """A pair is shown only to someone who may see both persons (strom.cases.access)."""
        persons = Person.objects.visible_to(user)
        return self.filter(person_a__in=persons, person_b__in=persons)


class CandidatePair(models.Model):
    """Two persons the duplicate detection found likely to be one. `person_a` has the lower id."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    status = models.CharField(_("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = CandidatePairQuerySet.as_manager()
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="linkage_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="linkage_pair_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="linkage_pair_status")]

    def __str__(self) -> str:
        return f"pair {self.person_a_id}/{self.person_b_id}"


class PersonMergeQuerySet(models.QuerySet["PersonMerge"]):
    def visible_to(self, user: User) -> PersonMergeQuerySet:
        return self.filter(kept__in=Person.objects.visible_to(user))


class PersonMerge(models.Model):
    """One person's record merged into another's; undone by moving every row back.

    `moved` lists, per model and field, the ids of the rows that pointed to the merged person.
    The kept person's names and codes as they were before are kept (encrypted) to restore them.
    Lives as long as the kept person's cases.
    """

    kept = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(
        CandidatePair, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undo_until = models.DateTimeField(_("can be undone until"))
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    moved = models.JSONField(default=dict)
    kept_other_names = EncryptedTextField(blank=True, default="")
    kept_citizenships = models.JSONField(default=list)
    kept_languages = models.JSONField(default=list)

    objects = PersonMergeQuerySet.as_manager()
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")

    def __str__(self) -> str:
        return f"person {self.merged_id} merged into {self.kept_id}"


class PendingCheckQuerySet(models.QuerySet["PendingCheck"]):
    def visible_to(self, user: User) -> PendingCheckQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))


class PendingCheck(models.Model):
    """A person whose case was just opened, waiting for the worker to compare them with the others.

    Lives until the next worker round (strom/linkage/tasks.py)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(auto_now_add=True)

    objects = PendingCheckQuerySet.as_manager()
    retention = Retention(on_anonymise=DELETE)

    def __str__(self) -> str:
        return f"duplicate check of person {self.person_id}"
