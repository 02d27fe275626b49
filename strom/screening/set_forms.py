"""The form to publish a corrected version of an indicator set: each indicator's strength, its texts in
every language the earlier version had, its "to be checked" mark, and the source of the new version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.languages import region_language_name
from strom.screening.forms import STRENGTH_LABELS
from strom.screening.indicators import Indicator, IndicatorSet
from strom.screening.set_services import IndicatorChange, SetSource


def language_name(code: str) -> str:
    # STROM's own names: Django's "Norwegian Bokmal" has no translation in its catalogues.
    return region_language_name(code)


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    strength: forms.BoundField
    to_check: forms.BoundField
    texts: list[forms.BoundField]


class PublishForm(forms.Form):
    source_document = forms.CharField(
        label=_("Source (act or document)"),
        max_length=500,
        help_text=_("What this version was checked against, for example the ILO publication and its page."),
    )
    source_url = forms.URLField(
        label=_("Link to the source"), max_length=500, required=False, assume_scheme="https"
    )
    checked_on = forms.DateField(
        label=_("Date checked"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    verified_by = forms.CharField(
        label=_("Verified by"),
        max_length=200,
        required=False,
        help_text=_("The person or office who checked this version against the source."),
    )
    verified = forms.BooleanField(
        label=_("This version was checked against the source"),
        required=False,
        help_text=_(
            "Clears the set's “to be checked” notice. Leave it unticked for a correction not yet checked."
        ),
    )
    change_note = forms.CharField(
        label=_("What changed or was checked"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data: Any = None, *, base: IndicatorSet) -> None:
        super().__init__(data)
        self.base = base
        self.fields["source_document"].initial = base.source.get("title", "")
        self.fields["source_url"].initial = base.source.get("url", "")
        strengths = [(s, label) for s, label in STRENGTH_LABELS.items()]
        for indicator in base.indicators:
            self.fields[f"strength_{indicator.id}"] = forms.ChoiceField(
                label=_("Strength"), choices=strengths, initial=indicator.strength
            )
            self.fields[f"check_{indicator.id}"] = forms.BooleanField(
                label=_("To be checked against the source"), required=False, initial=indicator.to_check
            )
            for lang, text in indicator.texts.items():
                # Not required here: the service names every dropped text in one message.
                self.fields[f"text_{indicator.id}_{lang}"] = forms.CharField(
                    label=_("Text (%(language)s)") % {"language": language_name(lang)},
                    initial=text,
                    required=False,
                    max_length=1_000,
                )

    def rows(self) -> list[IndicatorRow]:
        return [
            IndicatorRow(
                indicator=i,
                strength=self[f"strength_{i.id}"],
                to_check=self[f"check_{i.id}"],
                texts=[self[f"text_{i.id}_{lang}"] for lang in i.texts],
            )
            for i in self.base.indicators
        ]

    def changes(self) -> dict[str, IndicatorChange]:
        data = self.cleaned_data
        return {
            i.id: IndicatorChange(
                strength=data[f"strength_{i.id}"],
                texts={lang: data.get(f"text_{i.id}_{lang}") or "" for lang in i.texts},
                to_check=bool(data.get(f"check_{i.id}")),
            )
            for i in self.base.indicators
        }

    def source(self) -> SetSource:
        data = self.cleaned_data
        checked_on: dt.date | None = data.get("checked_on")
        return SetSource(
            document=data["source_document"],
            url=data.get("source_url") or "",
            checked_on=checked_on,
            verified_by=data.get("verified_by") or "",
            verified=bool(data.get("verified")),
            note=data["change_note"],
        )
