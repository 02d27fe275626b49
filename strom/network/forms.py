from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from strom.directory.models import Municipality, Organisation
from strom.network.models import NetworkService, ServiceType

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_LINE_RE = re.compile(
    r"^(?P<day>[a-z]{3})\w*\s+(?P<opens>[0-9]{2}:[0-9]{2})\s*-\s*(?P<closes>[0-9]{2}:[0-9]{2})$"
)


def _codes(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\s,]+", value or "") if part.strip()]


def hours_to_text(hours: list[dict[str, Any]]) -> str:
    return "\n".join(f"{DAYS[s['day']].capitalize()} {s['opens']}-{s['closes']}" for s in hours or [])


def hours_from_text(text: str) -> list[dict[str, Any]]:
    slots: list[dict[str, Any]] = []
    for line in (text or "").splitlines():
        line = line.strip().lower()
        if not line:
            continue
        match = HOURS_LINE_RE.match(line)
        if not match or match["day"] not in DAYS:
            raise ValidationError(
                _("Write one day per line, like “Mon 09:00-17:00” (not “%(line)s”)."), params={"line": line}
            )
        slots.append({"day": DAYS.index(match["day"]), "opens": match["opens"], "closes": match["closes"]})
    return slots


class NetworkFilterForm(forms.Form):
    ELIGIBILITY = [
        ("", _("Anyone")),
        ("adults", _("Adults")),
        ("children", _("Children")),
        ("men", _("Men")),
        ("women", _("Women")),
        ("families", _("Families")),
    ]

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("Any service")), *ServiceType.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Municipality.objects.all(),
        empty_label=_("Anywhere"),
    )
    language = forms.CharField(
        label=_("Language"), required=False, max_length=3, help_text=_("ISO 639 code, for example ru.")
    )
    eligibility = forms.ChoiceField(label=_("For"), required=False, choices=ELIGIBILITY)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free_places = forms.BooleanField(label=_("Has free places"), required=False)

    def clean_language(self) -> str:
        return str(self.cleaned_data.get("language") or "").strip().lower()


class ServiceForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceType.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    countries = forms.CharField(
        label=_("Countries covered"),
        required=False,
        help_text=_("ISO 3166 codes separated by commas, for example LV, LT. The whole country is covered."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities covered"), required=False, queryset=Municipality.objects.all()
    )
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        help_text=_("ISO 639 codes separated by commas, for example lv, ru, en."),
    )
    open_247 = forms.BooleanField(label=_("Open 24/7"), required=False)
    hours = forms.CharField(
        label=_("Opening times"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One day per line, for example “Mon 09:00-17:00”."),
    )
    opening_hours = forms.CharField(
        label=_("Opening hours, in words"),
        required=False,
        max_length=200,
        help_text=_("For example: closed on public holidays."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=0,
        help_text=_("Leave empty if the service has no places."),
    )
    for_adults = forms.BooleanField(label=_("Adults"), required=False)
    for_children = forms.BooleanField(label=_("Children"), required=False)
    for_men = forms.BooleanField(label=_("Men"), required=False)
    for_women = forms.BooleanField(label=_("Women"), required=False)
    for_families = forms.BooleanField(label=_("Families"), required=False)
    nrm_focal_point = forms.BooleanField(label=_("National referral mechanism focal point"), required=False)
    trm_focal_point = forms.BooleanField(label=_("Transnational referral focal point"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, organisations: Any = None, service: NetworkService | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if service is not None:
            del self.fields["organisation"]
            for name in self.fields:
                if name in ("countries", "languages"):
                    self.initial[name] = ", ".join(getattr(service, name))
                elif name == "hours":
                    self.initial[name] = hours_to_text(service.hours)
                elif name == "municipalities":
                    self.initial[name] = list(service.municipalities.all())
                else:
                    self.initial[name] = getattr(service, name)
        else:
            organisation_field = self.fields["organisation"]
            assert isinstance(organisation_field, forms.ModelChoiceField)
            organisation_field.queryset = organisations
            for name in ("for_adults", "for_men", "for_women"):
                self.initial.setdefault(name, True)

    def clean_countries(self) -> list[str]:
        return [c.upper() for c in _codes(self.cleaned_data.get("countries", ""))]

    def clean_languages(self) -> list[str]:
        return [c.lower() for c in _codes(self.cleaned_data.get("languages", ""))]

    def clean_hours(self) -> list[dict[str, Any]]:
        return hours_from_text(self.cleaned_data.get("hours", ""))


class CapacityForm(forms.Form):
    free_places = forms.IntegerField(label=_("Free places"), required=False, min_value=0)
