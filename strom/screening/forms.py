from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import Exploitation, Gender
from strom.core.datefields import TypedDateField
from strom.directory.models import Municipality, Organisation
from strom.screening.access import screening_org_ids
from strom.screening.models import AgeBand
from strom.screening.services import NOTES_MAX

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.screening.indicators import IndicatorSet
    from strom.screening.models import Screening

STRENGTH_LABELS = {"strong": _("Strong"), "medium": _("Medium"), "weak": _("Weak")}


class ScreeningForm(forms.Form):
    """The checklist of one indicator set version, plus notes and (without a case) rough context only.

    There is deliberately no name field: a pre-screening identifies nobody.
    """

    observed = forms.MultipleChoiceField(
        label=_("Observed indicators"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you observed and how you know it. Stored encrypted."),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    age_band = forms.ChoiceField(
        label=_("Approximate age"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN, required=False
    )
    gender = forms.ChoiceField(
        label=_("Sex/gender"), choices=[("", _("Not recorded")), *Gender.choices], required=False
    )
    exploitation = forms.ChoiceField(
        label=_("Form of exploitation"),
        choices=[("", _("As in the indicator set")), *Exploitation.choices],
        required=False,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )

    context_field_names = ("organisation", "age_band", "gender", "exploitation", "municipality")

    def __init__(self, data: Any = None, *, user: User, indicator_set: IndicatorSet, with_case: bool) -> None:
        super().__init__(data)
        self.indicator_set = indicator_set
        self.only_organisation: Organisation | None = None
        observed_field = self.fields["observed"]
        assert isinstance(observed_field, forms.MultipleChoiceField)
        observed_field.choices = [(i.id, i.text) for i in indicator_set.indicators]
        if with_case:
            for name in self.context_field_names:
                del self.fields[name]
            return
        organisations = list(Organisation.objects.filter(pk__in=screening_org_ids(user)).order_by("name"))
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]  # nothing to choose
        else:
            org_field = self.fields["organisation"]
            assert isinstance(org_field, forms.ModelChoiceField)
            org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        municipality_field = self.fields["municipality"]
        assert isinstance(municipality_field, forms.ModelChoiceField)
        countries = {o.country for o in organisations}
        municipality_field.queryset = Municipality.objects.filter(country__in=countries)

    @property
    def context_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.context_field_names if n in self.fields]

    def chosen_organisation(self) -> Organisation | None:
        chosen = self.cleaned_data.get("organisation")
        return chosen if isinstance(chosen, Organisation) else self.only_organisation

    def observed_ids(self) -> set[str]:
        """What the checklist should show ticked: the cleaned value, or the raw one on a failed submit."""
        if hasattr(self, "cleaned_data") and "observed" in self.cleaned_data:
            return set(self.cleaned_data["observed"])
        if self.is_bound:
            return set(self.data.getlist("observed")) if hasattr(self.data, "getlist") else set()
        return set()


class ConvertForm(forms.Form):
    """The minimum to open a person and a case from a pre-screening; the rest is added on the case."""

    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    gender = forms.ChoiceField(label=_("Sex/gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    birth_date = TypedDateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("If the date is not known, give an estimated age instead."),
    )
    age_estimate = forms.IntegerField(label=_("Estimated age"), required=False, min_value=0, max_value=120)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())

    def __init__(self, data: Any = None, *, screening: Screening) -> None:
        super().__init__(data)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Municipality.objects.filter(country=screening.organisation.country)
        field.initial = screening.municipality_id or screening.organisation.municipality_id
        if screening.gender:
            self.fields["gender"].initial = screening.gender

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("birth_date") and data.get("age_estimate") is not None:
            self.add_error("age_estimate", _("Give the date of birth or an estimated age, not both."))
        return data

    def person_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "gender": data["gender"],
            "birth_date": data["birth_date"].isoformat() if data["birth_date"] else "",
            "age_estimate": data["age_estimate"],
        }
