from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices, is_country
from strom.core.roles import OrgType

if TYPE_CHECKING:
    from strom.accounts.models import User


def validate_country(value: str) -> None:
    if not is_country(value):
        raise ValidationError(_("“%(value)s” is not an ISO 3166 country code."), params={"value": value})


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def visible_to(self, user: User) -> MunicipalityQuerySet:
        # Municipalities are public reference data for anyone logged in.
        if not user.is_authenticated:
            return self.none()
        return self


def with_country(name: str, country: str) -> str:
    """ "Name (LV)" for a list that mixes countries, but never "Name (LV) (LV)": many organisations
    already carry their country in their name."""
    suffix = f"({country})"
    return name if not country or name.rstrip().endswith(suffix) else f"{name} {suffix}"


class Municipality(models.Model):
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, validators=[validate_country]
    )
    name = models.CharField(_("name"), max_length=200)
    # Short code used in case references, e.g. RIX in LV-RIX-7K3F9.
    code = models.CharField(_("code"), max_length=5)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="municipality_code_unique_per_country"),
            models.UniqueConstraint(fields=["country", "name"], name="municipality_name_unique_per_country"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z0-9]{2,5}$"), name="municipality_code_format"
            ),
        ]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return with_country(self.name, self.country)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        from strom.directory.access import organisations_visible_to

        return organisations_visible_to(user, self)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    org_type = models.CharField(_("type"), max_length=40, choices=OrgType.choices)
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, validators=[validate_country]
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="organisation_name_unique_per_country"),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.municipality_id and self.municipality and self.municipality.country != self.country:
            raise ValidationError(
                {"municipality": _("The municipality must be in the organisation's country.")}
            )
