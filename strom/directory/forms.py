from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices
from strom.core.roles import OrgType
from strom.directory.models import Municipality, Organisation, with_country


def _any_country() -> list[tuple[str, str]]:
    return [("", str(_("All countries"))), *country_choices()]


def _choose_country() -> list[tuple[str, str]]:
    return [("", str(_("Choose a country"))), *country_choices()]


class MunicipalityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return with_country(obj.name, obj.country)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_any_country)
    org_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *OrgType.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"


class OrganisationEditForm(forms.Form):
    """What an organisation's admin may change: not the country (that would move its records)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    municipality = MunicipalityChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": organisation.name,
                "org_type": organisation.org_type,
                "municipality": organisation.municipality_id,
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, MunicipalityChoiceField)
        field.queryset = Municipality.objects.filter(country=organisation.country)
        field.help_text = _("Municipalities in the organisation's country.")


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    country = forms.ChoiceField(label=_("Country"), choices=_choose_country)
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("None"),
        help_text=_("Must be in the chosen country."),
    )


class MunicipalityForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=_choose_country)
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(
        label=_("Code"),
        max_length=5,
        help_text=_("2 to 5 capital letters or digits, used in case references, e.g. RIX for Rīga."),
    )
