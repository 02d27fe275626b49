"""Value sets for persons and cases: HTCDS 2.0 names where HTCDS has them, STROM's additions marked."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    # HTCDS prs_Gender
    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender female")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender male")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified or unknown")


class MigrationStatus(models.TextChoices):
    # STROM: HTCDS has no value set; these follow the distinctions the residence-permit rules need.
    NATIONAL = "National", _("National of the country")
    EU_CITIZEN = "EUCitizen", _("EU/EEA citizen")
    TCN_RESIDENT = "ThirdCountryNationalResident", _("Third-country national with residence permit")
    TCN_IRREGULAR = "ThirdCountryNationalIrregular", _("Third-country national without regular status")
    ASYLUM_SEEKER = "AsylumSeeker", _("Asylum seeker")
    REFUGEE = "Refugee", _("Refugee or subsidiary protection")
    STATELESS = "Stateless", _("Stateless")
    UNKNOWN = "Unknown", _("Unknown")


class DocumentType(models.TextChoices):
    PASSPORT = "Passport", _("Passport")
    ID_CARD = "IdentityCard", _("Identity card")
    RESIDENCE_PERMIT = "ResidencePermit", _("Residence permit")
    VISA = "Visa", _("Visa")
    DRIVING_LICENCE = "DrivingLicence", _("Driving licence")
    BIRTH_CERTIFICATE = "BirthCertificate", _("Birth certificate")
    PERSONAL_CODE = "PersonalCode", _("Personal identity number")
    OTHER = "Other", _("Other document")


class Exploitation(models.TextChoices):
    # HTCDS vic_TypeOfExploitation, plus the forms added by Directive (EU) 2024/1712 and forced criminality.
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude or domestic servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service by non-state actors")
    ORGAN_REMOVAL = "OrganRemoval", _("Removal of organs")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminal activities")
    ILLEGAL_ADOPTION = "ForcedAdoption", _("Illegal adoption")
    SURROGACY = "Surrogacy", _("Exploitation of surrogacy")
    OTHER = "Other", pgettext_lazy("form of exploitation", "Other")


class TraffickingStatus(models.TextChoices):
    # HTCDS vic_TraffickingStatus
    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim")
    ACTUAL = "ActualVictimOfTrafficking", _("Identified victim")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class CaseStatus(models.TextChoices):
    # HTCDS cas_Status, derived from the stage.
    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", pgettext_lazy("case status", "Follow-up")
    CLOSED = "Closed", pgettext_lazy("case status", "Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed and referred")


class Stage(models.TextChoices):
    """The chain of assistance (DOMAIN.md). Allowed moves are in strom/stages/stages.py."""

    SCREENING = "screening", _("Screening")
    REFLECTION = "reflection", _("Reflection and recovery period")
    ASSISTANCE = "assistance", _("Assistance")
    RETURN_REINTEGRATION = "return_reintegration", _("Return, reintegration or local integration")
    CLOSED = "closed", pgettext_lazy("stage of the chain of assistance", "Closed")
    FOLLOW_UP = "follow_up", pgettext_lazy("stage of the chain of assistance", "Follow-up")


STAGE_STATUS: dict[str, str] = {
    Stage.SCREENING: CaseStatus.ACTIVE,
    Stage.REFLECTION: CaseStatus.ACTIVE,
    Stage.ASSISTANCE: CaseStatus.ACTIVE,
    Stage.RETURN_REINTEGRATION: CaseStatus.ACTIVE,
    Stage.CLOSED: CaseStatus.CLOSED,
    Stage.FOLLOW_UP: CaseStatus.FOLLOW_UP,
}


class ChildBasis(models.TextChoices):
    NOT_CHILD = "", _("Adult")
    AGE = "age", _("Under 18 by date of birth or known age")
    PRESUMED = "presumed", _("Presumed a child: age uncertain, reasons to believe under 18")
