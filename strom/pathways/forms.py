from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import STEP_TEXT_FIELDS, PathwayStage, PathwayStep
from strom.pathways.services import STEP_FIELDS, StepData, StepTexts


class PathwayFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("All countries")), *country_choices()]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class StepForm(forms.Form):
    """One stage of the pathway. Leave every field empty to leave the stage out."""

    lead_agency = forms.ModelChoiceField(
        label=_("Lead agency (from the directory)"), queryset=Organisation.objects.none(), required=False
    )
    agency_name = forms.CharField(
        label=_("Or the agency's name"),
        max_length=200,
        required=False,
        help_text=_("For an agency that is not in the directory. Institutions only, not private persons."),
    )
    contact_role = forms.CharField(
        label=_("Contact role"), max_length=200, required=False, help_text=_("For example: duty officer")
    )
    contact_person = forms.CharField(
        label=_("Contact person (optional)"),
        max_length=200,
        required=False,
        help_text=_("A work name only, and only if the agency publishes it."),
    )
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    what_to_do = forms.CharField(
        label=_("What to do"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    time_limit_days = forms.IntegerField(
        label=_("Time limit (days)"),
        min_value=0,
        required=False,
        help_text=_("Leave empty if there is none."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, stage: PathwayStage, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        lead_agency = self.fields["lead_agency"]
        assert isinstance(lead_agency, forms.ModelChoiceField)
        lead_agency.queryset = Organisation.objects.filter(is_active=True, country=municipality.country)

    @property
    def is_empty(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in STEP_FIELDS)

    def step_data(self) -> StepData:
        data: dict[str, Any] = {name: self.cleaned_data.get(name) for name in STEP_FIELDS}
        for name in STEP_FIELDS:
            if data[name] is None and name not in {"lead_agency", "time_limit_days"}:
                data[name] = ""
        return StepData(stage=self.stage.value, **data)


def step_forms(data: Any, municipality: Municipality, steps: list[PathwayStep]) -> list[StepForm]:
    by_stage = {step.stage: step for step in steps}
    forms_: list[StepForm] = []
    for stage in PathwayStage:
        step = by_stage.get(stage.value)
        initial = {name: getattr(step, name) for name in STEP_FIELDS} if step else None
        forms_.append(
            StepForm(data, stage=stage, municipality=municipality, prefix=stage.value, initial=initial)
        )
    return forms_


class StepTextsForm(forms.Form):
    """One step's texts in another language, written beside the original. Leave every field empty for
    readers of the language to read the step in English or the original language."""

    contact_role = forms.CharField(label=_("Contact role"), max_length=200, required=False)
    what_to_do = forms.CharField(
        label=_("What to do"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, step: PathwayStep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        # The original, shown on the left; the step's texts in the original language when it is read.
        self.original = [(self[name], getattr(step, name)) for name in STEP_TEXT_FIELDS]

    def texts(self) -> StepTexts:
        return StepTexts(**{name: self.cleaned_data.get(name) or "" for name in STEP_TEXT_FIELDS})


def translation_forms(
    data: Any, original: list[PathwayStep], translated: list[PathwayStep], language: str
) -> list[StepTextsForm]:
    """One form per step of the pathway: `original` holds the steps in the original language, and
    `translated` the same steps read in `language`, whose texts fill the forms where they exist."""
    initial = {
        step.stage: {name: getattr(step, name) for name in STEP_TEXT_FIELDS}
        for step in translated
        if step.get_current_language() == language
    }
    return [
        StepTextsForm(data, step=step, prefix=step.stage, initial=initial.get(step.stage))
        for step in original
    ]
