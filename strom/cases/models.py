"""Persons (the data subjects) and their cases.

Identifying fields are encrypted (EncryptedTextField); people are found by keyed blind indexes kept
in PersonNameKey and IdentityDocument.number_index. Retention: a closed case is anonymised or erased
after the country's retention period (strom/cases/retention.py); erasure removes the person and
every case row, leaving only the audit record that it happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import (
    STAGE_STATUS,
    CaseStatus,
    ChildBasis,
    DocumentType,
    Gender,
    MigrationStatus,
    Stage,
    TraffickingStatus,
)
from strom.core.countries import country_choices
from strom.core.retention import DELETE, Hold, Retention, Scrub
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.directory.models import Municipality, Organisation, validate_country

if TYPE_CHECKING:
    from strom.accounts.models import User


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> PersonQuerySet:
        """A person is visible through a case the user may see (strom.cases.access)."""
        return self.filter(cases__in=Case.objects.visible_to(user)).distinct()


_M = TypeVar("_M", bound=models.Model)


class CasePartQuerySet(models.QuerySet[_M]):
    """Rows that belong to a case are visible exactly when their case is (strom.cases.access).

    A model further down the case names its path to the case in a subclass (`case_path`).
    """

    case_path = "case"

    def visible_to(self, user: User) -> Self:
        return self.filter(**{f"{self.case_path}__in": Case.objects.visible_to(user)})

    def of_case(self, user: User, case: Case) -> Self:
        """`visible_to(user).filter(<case>=case)`, with the rule asked of the case row in Python
        (strom.cases.access.may_see_case): one indexed condition instead of a subquery to plan."""
        from strom.cases.access import may_see_case

        if not may_see_case(user, case):
            return self.none()
        return self.filter(**{f"{self.case_path}_id": case.pk})


class PersonPartQuerySet(models.QuerySet[_M]):
    """Rows that belong to a person are visible exactly when the person is."""

    def visible_to(self, user: User) -> Self:
        return self.filter(person__in=Person.objects.visible_to(user))


def person_display_name(given_name: str, family_name: str) -> str:
    """How pages name a person: given and family name, or a note that none was recorded."""
    name = f"{given_name} {family_name}".strip()
    return name or str(_("(name not recorded)"))


class Person(models.Model):
    """A presumed or identified victim (HTCDS prs_). Can have several cases over time."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="persons", verbose_name=_("organisation")
    )
    given_name = EncryptedTextField(_("given name"), blank=True, default="")  # prs_FirstName
    family_name = EncryptedTextField(_("family name"), blank=True, default="")  # prs_SecondName
    # Other names and spellings, one per line: aliases, maiden names, transliterations seen on documents.
    other_names = EncryptedTextField(_("other names and spellings"), blank=True, default="")
    gender = models.CharField(_("sex/gender"), max_length=32, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = EncryptedTextField(_("date of birth"), blank=True, default="")  # ISO date, encrypted
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_uncertain = models.BooleanField(_("age uncertain"), default=False)
    # Directive 2011/36/EU Art. 13(2): reasons to believe the person is a child when age is uncertain.
    believed_child = models.BooleanField(_("reasons to believe the person is a child"), default=False)
    citizenships = ArrayField(
        models.CharField(max_length=2, validators=[validate_country]),
        verbose_name=_("citizenships"),
        default=list,
        blank=True,
    )
    languages = ArrayField(
        models.CharField(max_length=3), verbose_name=_("languages"), default=list, blank=True
    )
    contact = EncryptedTextField(_("contact (phone, e-mail)"), blank=True, default="")
    address = EncryptedTextField(_("current address"), blank=True, default="")
    migration_status = models.CharField(
        _("migration status"), max_length=40, choices=MigrationStatus.choices, default=MigrationStatus.UNKNOWN
    )
    # The record's id in the system a bulk import brought it from (strom/linkage), so the old system's
    # duplicates can be traced back; never a personal identity number.
    source_id = models.CharField(_("id in the source system"), max_length=100, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    # The estimate is personal; age_at_opening on each case is the statistical figure. The source id
    # leads back to the old system's record, so it goes with the names.
    retention = Retention(
        on_anonymise=Scrub(clear=("age_estimate", "languages", "source_id"), keep=("age_uncertain",))
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"person {self.pk}"

    @property
    def display_name(self) -> str:
        return person_display_name(self.given_name, self.family_name)

    def all_names(self) -> list[str]:
        """Every spelling we hold, for the blind index."""
        names = [f"{self.given_name} {self.family_name}".strip()]
        names += [line.strip() for line in self.other_names.splitlines() if line.strip()]
        return [n for n in names if n]


class PersonNameKey(models.Model):
    """Keyed blind-index entries for a person's names: one per spelling (word order ignored) and one per word.

    Rebuilt by the person services whenever names change. Holds HMACs only, no names.
    """

    class Kind(models.TextChoices):
        FULL = "full", "full"
        WORD = "word", "word"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    key = models.CharField(max_length=64)

    objects = PersonPartQuerySet.as_manager()
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "key"], name="person_name_key_unique")
        ]
        # Looked up by key and read for the person: answered from the index alone, rows ordered by person.
        indexes = [models.Index(fields=["key", "kind", "person"], name="person_name_key_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} key of person {self.person_id}"


class IdentityDocument(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=32, choices=DocumentType.choices)
    number = EncryptedTextField(_("document number"))
    number_index = BlindIndexField(source="number", kind="document")
    issuing_country = models.CharField(
        _("issuing country"), max_length=2, choices=country_choices, validators=[validate_country], blank=True
    )
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    # Documents withheld by traffickers are a strong indicator; record where the document is.
    held_by_person = models.BooleanField(_("the person holds this document"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonPartQuerySet.as_manager()
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.doc_type} of person {self.person_id}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        from strom.cases.access import cases_visible_to

        return cases_visible_to(user, self)


class Case(models.Model):
    """One episode of assistance for a person, from first suspicion to follow-up (HTCDS cas_)."""

    ref = models.CharField(_("reference"), max_length=20, unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("municipality")
    )
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("case worker"),
    )  # cas_CaseOwner
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices, default=Stage.SCREENING)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=40,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    forms_of_exploitation = ArrayField(
        models.CharField(max_length=40), verbose_name=_("forms of exploitation"), default=list, blank=True
    )
    # Handled as a child's case: under 18, or presumed so (Directive 2011/36/EU Art. 13(2)).
    child_basis = models.CharField(
        _("child's case"), max_length=10, choices=ChildBasis.choices, blank=True, default=ChildBasis.NOT_CHILD
    )
    is_child = models.BooleanField(_("child's case"), default=False)
    age_at_opening = models.PositiveSmallIntegerField(_("age when the case opened"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closure"), max_length=40, blank=True)
    closure_details = EncryptedTextField(
        _("closure details"), blank=True, default=""
    )  # cas_ReasonForCaseClosure
    next_due_at = models.DateField(
        _("next due"), null=True, blank=True
    )  # earliest open task, kept by services
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Kept beyond the retention period while set (a court order, a pending claim): retention skips it.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()
    retention = Retention(holds_case=Hold(open=models.Q(legal_hold=True), case="pk", name="legal hold"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Keyset pagination of the case list per organisation, newest first.
            models.Index(fields=["organisation", "-opened_at", "-id"], name="case_org_opened"),
            models.Index(fields=["owner", "-opened_at", "-id"], name="case_owner_opened"),
            models.Index(fields=["organisation", "stage"], name="case_org_stage"),
            models.Index(fields=["organisation", "next_due_at"], name="case_org_due"),
            # The list's "form of exploitation" filter is an array containment test.
            GinIndex(fields=["forms_of_exploitation"], name="case_exploitation_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(closed_at__gte=models.F("opened_at")),
                name="case_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def set_stage(self, stage: str) -> None:
        self.stage = stage
        self.status = STAGE_STATUS[stage]


class SavedCaseFilter(models.Model):
    """A set of case-list filters a user keeps under a name, for themselves only.

    The query holds filter values and the sort, never the search text: a search is often a person's
    name, and a saved filter outlives the case it was typed for.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="saved_case_filters")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_case_filter_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
