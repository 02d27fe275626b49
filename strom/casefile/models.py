"""The case file: trafficking events (HTCDS hte_), perpetrators (per_), notes (cco_) and documents.

Everything hangs off a Case with on_delete=CASCADE, so erasing a person's cases removes all of it
(document files too: see signals.py). Identifying free text is encrypted (EncryptedTextField), the
city or town included; the country, the region and the value-set fields stay plain, for statistics.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.casefile import dates
from strom.casefile.choices import (
    DatePrecision,
    DocumentKind,
    EventType,
    Industry,
    MeansOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    Relationship,
    SexExploitationType,
    WebsiteOrApp,
)
from strom.cases.choices import Exploitation, Gender
from strom.cases.models import Case, CasePartQuerySet
from strom.core.countries import country_choices
from strom.core.retention import DELETE, Retention
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.directory.models import validate_country

if TYPE_CHECKING:
    from strom.accounts.models import User


class PerpetratorQuerySet(CasePartQuerySet["Perpetrator"]):
    def visible_to(self, user: User) -> PerpetratorQuerySet:
        from strom.casefile.access import perpetrator_rows_visible_to

        return perpetrator_rows_visible_to(user, self)


class CaseNoteQuerySet(CasePartQuerySet["CaseNote"]):
    def visible_to(self, user: User) -> CaseNoteQuerySet:
        from strom.casefile.access import note_rows_visible_to

        return note_rows_visible_to(user, self)


def _labels(values: list[str], choices: type[models.TextChoices]) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(v, v)) for v in values]


def _choices_array(verbose_name: Any, max_length: int = 60) -> ArrayField:  # type: ignore[type-arg]
    return ArrayField(
        models.CharField(max_length=max_length), verbose_name=verbose_name, default=list, blank=True
    )


class TraffickingEvent(models.Model):
    """One step of what happened to the person: recruitment, transit or exploitation (HTCDS hte_)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trafficking_events")
    event_type = models.CharField(_("type"), max_length=20, choices=EventType.choices)  # hte_Type
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, validators=[validate_country], blank=True
    )  # hte_Country
    state = models.CharField(_("region or state"), max_length=100, blank=True)  # hte_State
    # A small town or village can name the person to anyone who knows it, and free text can hold a
    # name: encrypted like the address (docs/security.md). Statistics use the country, never the city.
    city = EncryptedTextField(_("city or town"), blank=True, default="")  # hte_City
    # An exact address can point to a place the person may still be linked to: encrypted.
    street = EncryptedTextField(_("street address"), blank=True, default="")  # hte_Street
    postal_code = EncryptedTextField(_("postal code"), blank=True, default="")  # hte_PostalCode
    description = EncryptedTextField(_("description"), blank=True, default="")  # hte_Description
    # Survivors often remember "spring 2021": a date is stored as the first day of its known period.
    date_from = models.DateField(_("from"), null=True, blank=True)  # hte_Date
    date_from_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    date_to = models.DateField(_("to"), null=True, blank=True)
    date_to_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    forms_of_exploitation = _choices_array(_("forms of exploitation"))  # vic_TypeOfExploitation
    industry = models.CharField(
        _("industry"), max_length=60, choices=Industry.choices, blank=True
    )  # vic_ForcedLabourIndustry
    sex_exploitation_types = _choices_array(_("type of sexual exploitation"))  # vic_TypeOfSexExploitation
    means_of_control = _choices_array(_("means of control"))  # vic_MethodsOfControl
    recruitment_methods = _choices_array(_("method of recruitment"))  # vic_MethodOfRecruitment
    # vic_RecruitmentWebsitesAndApps on recruitment events, vic_ExploitationWebsitesAndApps otherwise.
    websites_and_apps = _choices_array(_("websites and apps"))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("trafficking event")
        verbose_name_plural = _("trafficking events")
        ordering = [models.F("date_from").asc(nulls_last=True), "created_at", "id"]
        # No CHECK on the order of the dates: "to May 2021" may end after "from 20 May 2021" although
        # its stored first day is earlier; services.validate_event compares the periods.
        indexes = [models.Index(fields=["case", "date_from"], name="casefile_event_case_date")]

    def __str__(self) -> str:
        return f"{self.event_type} event {self.pk} of case {self.case_id}"

    @property
    def period_display(self) -> str:
        start = dates.display(self.date_from, self.date_from_precision)
        end = dates.display(self.date_to, self.date_to_precision)
        if start and end:
            return start if start == end else f"{start} \u2013 {end}"
        if start:
            return str(_("from %(date)s") % {"date": start})
        if end:
            return str(_("until %(date)s") % {"date": end})
        return ""

    @property
    def place_display(self) -> str:
        country = self.get_country_display() if self.country else ""
        return ", ".join(part for part in (self.city, self.state, country) if part)

    @property
    def forms_of_exploitation_labels(self) -> list[str]:
        return _labels(self.forms_of_exploitation, Exploitation)

    @property
    def sex_exploitation_type_labels(self) -> list[str]:
        return _labels(self.sex_exploitation_types, SexExploitationType)

    @property
    def means_of_control_labels(self) -> list[str]:
        return _labels(self.means_of_control, MeansOfControl)

    @property
    def recruitment_method_labels(self) -> list[str]:
        return _labels(self.recruitment_methods, RecruitmentMethod)

    @property
    def websites_and_apps_labels(self) -> list[str]:
        return _labels(self.websites_and_apps, WebsiteOrApp)


class Perpetrator(models.Model):
    """A suspected trafficker or intermediary (HTCDS per_). Shown only to the organisation's editors."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    name = EncryptedTextField(_("name"), blank=True, default="")
    # Exact (transliteration-aware) match of the name across the organisation's cases; HMAC only.
    name_index = BlindIndexField(source="name", kind="name")
    aliases = EncryptedTextField(_("aliases and other spellings"), blank=True, default="")
    gender = models.CharField(_("sex/gender"), max_length=32, choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = models.CharField(
        _("nationality"), max_length=2, choices=country_choices, validators=[validate_country], blank=True
    )
    roles = _choices_array(_("role in the process"))  # per_RoleInProcess
    relationship = models.CharField(
        _("relationship to the person"), max_length=20, choices=Relationship.choices, blank=True, default=""
    )  # vic_RelationshipToTrafficker
    details = EncryptedTextField(_("details"), blank=True, default="")  # per_RoleDetails
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PerpetratorQuerySet.as_manager()
    # A trafficker's name in a skeleton is still a name: the whole record goes.
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        verbose_name = _("perpetrator")
        verbose_name_plural = _("perpetrators")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"perpetrator {self.pk} of case {self.case_id}"

    @property
    def role_labels(self) -> list[str]:
        return _labels(self.roles, PerpetratorRole)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class CaseNote(models.Model):
    """A case worker's note (HTCDS cco_CaseComment). Never deleted; corrected by editing (audited)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # Restricted notes are read only by their author and the organisation's supervisors.
    restricted = models.BooleanField(_("restricted"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CaseNoteQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="casefile_note_case_created")]

    def __str__(self) -> str:
        return f"note {self.pk} of case {self.case_id}"


class CaseDocument(models.Model):
    """An uploaded file, encrypted at rest (files.py). Downloaded only through the access check."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = EncryptedTextField(_("title"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    original_name = EncryptedTextField(_("file name"))
    # Detected from the content, never taken from the browser.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # of the plaintext, to check integrity after decryption
    # The document's own AES key, wrapped by the key ring (its key id is in the ciphertext prefix).
    data_key = EncryptedTextField()
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()
    # The file cannot be scrubbed: the row and the file go.
    retention = Retention(on_anonymise=DELETE)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="casefile_doc_case_uploaded")]

    def __str__(self) -> str:
        return f"document {self.uuid}"
