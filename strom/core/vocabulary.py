"""Value sets shared by the knowledge hub's apps (events, practices, guidelines, action plans), so a filter
or a report means the same in each of them and none has to import another for it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sector(models.TextChoices):
    """Who a training, a practice or a guideline is for: the sectors a municipality works with."""

    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    NGO = "ngo", _("Non-governmental organisation")
    JUDICIARY = "judiciary", _("Judiciary and prosecution")
    MUNICIPAL = "municipal", _("Municipal staff")
    GOVERNMENT = "government", _("Central government")
    INTERNATIONAL = "international", _("International organisation")
    RESEARCH = "research", _("Research")
    OTHER = "other", pgettext_lazy("sector", "Other")


class Theme(models.TextChoices):
    """What a practice, a guideline or a recommendation is about. The first five are the recommendations
    the region's conferences kept coming back to."""

    LEGISLATION = "legislation", _("Legislation")
    ACTION_PLANS = "action_plans", _("National action plans")
    MUNICIPAL_ROLE = "municipal_role", _("The role of municipalities")
    TRAINING = "training", _("Training of professionals")
    AWARENESS = "awareness", _("Public awareness and discussion")
    IDENTIFICATION = "identification", _("Identification")
    ASSISTANCE = "assistance", _("Assistance, housing and shelter")
    REFERRAL = "referral", _("Referral and cooperation")
    CHILDREN = "children", _("Children")
    LABOUR = "labour", _("Labour exploitation and supply chains")
    PROSECUTION = "prosecution", _("Investigation and prosecution")
    COMPENSATION = "compensation", _("Compensation and legal aid")
    RETURN = "return", _("Return and reintegration")
    DATA = "data", _("Data and research")
    PREVENTION = "prevention", _("Prevention")
