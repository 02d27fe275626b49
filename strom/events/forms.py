from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices
from strom.directory.models import Organisation
from strom.events.models import EventKind, Sector


class EventForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Managed by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    acronym = forms.CharField(
        label=_("Acronym"),
        max_length=60,
        help_text=_(
            "Lower-case letters, digits and -, e.g. riga-2015-strom (readable by every schedule app)."
        ),
    )
    start_date = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    timezone_name = forms.CharField(label=_("Time zone"), max_length=60, initial="Europe/Riga")
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    co_funders = forms.CharField(
        label=_("Co-funded by"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("ISO 639 codes: en, lv, ru")
    )
    interpretation = forms.CharField(label=_("Interpretation"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField

    def clean_languages(self) -> list[str]:
        raw: str = self.cleaned_data.get("languages") or ""
        return [code.strip().lower() for code in raw.replace(";", ",").split(",") if code.strip()]


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Managed by"))
    file = forms.FileField(label=_("Schedule XML or JSON (as frab and pretalx publish it)"))
    replace = forms.BooleanField(
        label=_("Replace the programme of the event with this acronym"), required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    needs = forms.CharField(
        label=_("Dietary or access needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consent_list = forms.BooleanField(label=_("Show my name on the participant list"), required=False)
    consent_contact = forms.BooleanField(
        label=_("The organisers may contact me after the event"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField
