"""The cooperation network: services offered by member organisations, found by workers who need a partner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.directory.models import Municipality, Organisation
from strom.support.choices import ServiceType as SupportServiceType

if TYPE_CHECKING:
    from strom.accounts.models import User


# The support-plan types, with the same values and labels, so a network entry and a delivered service
# share one vocabulary; then the partners in the chain of assistance that are not support services.
_PARTNER_TYPES = [
    ("LAW_ENFORCEMENT", ("LawEnforcement", _("Law enforcement"))),
    ("LABOUR_INSPECTION", ("LabourInspection", _("Labour inspection"))),
    ("MIGRATION_AUTHORITY", ("MigrationAuthority", _("Migration authority"))),
    ("EMBASSY_CONSULATE", ("EmbassyConsulate", _("Embassy or consulate"))),
    ("CHILD_PROTECTION", ("ChildProtection", _("Child protection"))),
    ("EMPLOYMENT", ("Employment", _("Employment"))),
]
ServiceType = models.TextChoices(  # type: ignore[call-overload]  # the functional form
    "ServiceType",
    [(member.name, (member.value, member.label)) for member in SupportServiceType] + _PARTNER_TYPES,
)


class NetworkServiceQuerySet(models.QuerySet["NetworkService"]):
    def visible_to(self, user: User) -> NetworkServiceQuerySet:
        from strom.network.access import services_visible_to

        return services_visible_to(user, self)


class NetworkService(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="services"
    )
    service_type = models.CharField(_("service type"), max_length=40, choices=ServiceType.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    countries = ArrayField(
        models.CharField(max_length=2), verbose_name=_("countries covered"), default=list, blank=True
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities covered"), blank=True, related_name="network_services"
    )
    # Contacts of the service itself, never of a victim.
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=3), verbose_name=_("languages spoken"), default=list, blank=True
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    open_247 = models.BooleanField(_("open 24/7"), default=False)
    # [{"day": 0..6 (Monday 0), "opens": "HH:MM", "closes": "HH:MM"}], validated in services.
    hours = models.JSONField(_("opening times"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    free_places = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    free_places_updated_at = models.DateTimeField(_("free places updated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("free places updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    for_adults = models.BooleanField(_("adults"), default=True)
    for_children = models.BooleanField(_("children"), default=False)
    for_men = models.BooleanField(_("men"), default=True)
    for_women = models.BooleanField(_("women"), default=True)
    for_families = models.BooleanField(_("families"), default=False)
    nrm_focal_point = models.BooleanField(_("national referral mechanism focal point"), default=False)
    trm_focal_point = models.BooleanField(_("transnational referral focal point"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NetworkServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="network_service_name_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(free_places__isnull=True)
                | models.Q(capacity__isnull=True)
                | models.Q(free_places__lte=models.F("capacity")),
                name="network_service_free_places_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["service_type", "is_active"], name="network_service_type_idx")]
        verbose_name = _("network service")
        verbose_name_plural = _("network services")

    def __str__(self) -> str:
        return self.name
