from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices
from strom.core.vocabulary import Sector, Theme
from strom.directory.models import Organisation
from strom.guidelines.models import language_choices
from strom.guidelines.selectors import REGION
from strom.pathways.models import PathwayStage, PathwayStep


def _scope_choices() -> list[tuple[str, object]]:
    return [("", _("The whole region")), *country_choices()]


class FilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country or region"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), choices=[("", "—"), *Theme.choices], required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), (REGION, _("The whole region")), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["language"].choices = [("", "—"), *language_choices()]  # type: ignore[attr-defined]  # ChoiceField


class ScopeForm(forms.Form):
    """Where a guideline applies and whom it is for (not versioned)."""

    country = forms.ChoiceField(label=_("Scope"), required=False)
    audience = forms.CharField(
        label=_("Target audience"),
        max_length=300,
        required=False,
        help_text=_("For example: social workers and child protection staff of municipalities."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages of the chain of assistance it explains"),
        choices=PathwayStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    steps = forms.ModelMultipleChoiceField(
        label=_("Pathway steps it explains"),
        queryset=PathwayStep.objects.none(),
        required=False,
        help_text=_("Steps of municipalities' referral pathways."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _scope_choices()  # type: ignore[attr-defined]  # ChoiceField
        steps = PathwayStep.objects.select_related("pathway__municipality").order_by(
            "pathway__municipality__country", "pathway__municipality__name", "position"
        )
        field = self.fields["steps"]
        field.queryset = steps  # type: ignore[attr-defined]  # ModelMultipleChoiceField
        field.label_from_instance = lambda step: f"{step.pathway.municipality}: {step.get_stage_display()}"  # type: ignore[attr-defined]  # ModelMultipleChoiceField


class GuidelineForm(ScopeForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    title = forms.CharField(label=_("Title"), max_length=300)
    original_language = forms.ChoiceField(label=_("Original language"), initial="en")
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["organisation", "title", "original_language", "summary", "country", "audience"]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["original_language"].choices = language_choices()  # type: ignore[attr-defined]  # ChoiceField


class VersionTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=300)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]  # ChoiceField


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProfileForm(forms.Form):
    legal_framework = forms.CharField(
        label=_("Legal framework"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The laws and bodies a municipality works with. Empty: remove this language."),
    )
