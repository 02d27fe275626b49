"""Versions of a country's rules of the chain of assistance (strom/cases/country_rules.py).

A version is never changed: a correction is a new version with its own effective date. Imported at the
end of strom/cases/models.py so Django registers it in the `cases` app. No personal data: the rules are
law, and who published a version is a staff member.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices

__all__ = ["CountryRuleVersion"]


class CountryRuleVersion(models.Model):
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    # Every item of country_rules.ITEMS: {"value", "source", "status", "verified_by", "verified_on"}.
    items = models.JSONField()
    # What changed and why; for a version that takes effect before the day it was made, the reason.
    note = models.TextField(_("note"), blank=True, default="")
    backdated = models.BooleanField(default=False)
    # Empty for the shipped first version.
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("country rules version")
        verbose_name_plural = _("country rules versions")
        constraints = [
            models.UniqueConstraint(fields=["country", "number"], name="one_rule_version_number_per_country")
        ]
        indexes = [
            models.Index(fields=["country", "-effective_from", "-number"], name="rule_version_in_force")
        ]

    def __str__(self) -> str:
        return f"{self.country} rules v{self.number}"
