"""Value sets of the support plan: service types (HTCDS spl_Type plus the statutory minimum), priorities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceType(models.TextChoices):
    # HTCDS 2.0 spl_Type value set, names as in field_standards.csv.
    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_EXPLOITATION_REHABILITATION = (
        "LabourExploitationRehabilitation",
        _("Labour exploitation rehabilitation"),
    )
    LEGAL = "Legal", pgettext_lazy("type of service", "Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_BASED_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_EXPLOITATION_REHABILITATION = (
        "SexualExploitationRehabilitation",
        _("Sexual exploitation rehabilitation"),
    )
    SOCIAL_CARE = "SocialCare", _("Social care")
    # STROM's values for the assistance every presumed victim is entitled to (Council of Europe
    # Convention Art. 12(1), Directive 2011/36/EU Art. 11(5)), whatever the stage of the case.
    SAFE_ACCOMMODATION = "SafeAccommodation", _("Safe accommodation")
    MATERIAL_ASSISTANCE = "MaterialAssistance", _("Material assistance")
    MEDICAL_CARE = "MedicalCare", _("Medical care")
    PSYCHOLOGICAL_HELP = "PsychologicalHelp", _("Psychological help")
    COUNSELLING_AND_INFORMATION = "CounsellingAndInformation", _("Counselling and information")
    INTERPRETATION = "Interpretation", _("Interpretation")
    LEGAL_AID = "LegalAid", _("Legal aid")


HTCDS_TYPES: tuple[str, ...] = (
    ServiceType.EDUCATION,
    ServiceType.FINANCIAL,
    ServiceType.HEALTH,
    ServiceType.LABOUR_EXPLOITATION_REHABILITATION,
    ServiceType.LEGAL,
    ServiceType.LIVELIHOOD,
    ServiceType.RIGHTS_BASED_TRAINING,
    ServiceType.SEXUAL_EXPLOITATION_REHABILITATION,
    ServiceType.SOCIAL_CARE,
)

# The statutory minimum, in the order the coverage check lists it.
STATUTORY_MINIMUM: tuple[str, ...] = (
    ServiceType.SAFE_ACCOMMODATION,
    ServiceType.MATERIAL_ASSISTANCE,
    ServiceType.MEDICAL_CARE,
    ServiceType.PSYCHOLOGICAL_HELP,
    ServiceType.COUNSELLING_AND_INFORMATION,
    ServiceType.INTERPRETATION,
    ServiceType.LEGAL_AID,
)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("service status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("service status", "In progress")
    DELIVERED = "delivered", pgettext_lazy("service status", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("service status", "Cancelled")


class Coverage(models.TextChoices):
    """State of one statutory minimum service on a case, best first."""

    DELIVERED = "delivered", pgettext_lazy("how a need is covered", "Delivered")
    IN_PROGRESS = "in_progress", pgettext_lazy("how a need is covered", "In progress")
    PLANNED = "planned", pgettext_lazy("how a need is covered", "Planned")
    NOT_NEEDED = "not_needed", _("Marked not needed")
    MISSING = "missing", _("Neither planned nor marked not needed")
