"""Forms for publishing a new version of a country's rules: one small form per item, each with its
value, its source and whether the editor verified it against that source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strom.stages import country_rules as cr
from strom.stages.models import DecisionMaker
from strom.stages.periods import UNITS
from strom.stages.services_rules import ItemChange

_UNIT_CHOICES = [(key, label) for key, label in UNITS.items()]
_ACTION_CHOICES = [("anonymise", gettext_lazy("anonymise")), ("erase", gettext_lazy("erase"))]


class VersionForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    effective_from = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Today or later. Clocks that start on or after this day follow the new version; "
            "clocks already running keep theirs."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("What changed and why"), required=False, max_length=2000, widget=forms.Textarea
    )
    backdate_reason = forms.CharField(
        label=gettext_lazy("Reason for an effective date in the past (system admins only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ItemForm(forms.Form):
    """One item of the rules; the value fields depend on the item's kind."""

    def __init__(self, *args: Any, key: str, item: dict[str, Any], **kwargs: Any) -> None:
        self.key = key
        self.spec = cr.ITEMS[key]
        kwargs.setdefault("prefix", key)
        kwargs.setdefault("initial", self._initial(item))
        super().__init__(*args, **kwargs)
        self._add_value_fields()
        self.fields["act"] = forms.CharField(label=_("Act"), required=False, max_length=1000)
        self.fields["section"] = forms.CharField(label=_("Section"), required=False, max_length=1000)
        self.fields["url"] = forms.URLField(
            label=_("Link"), required=False, max_length=1000, assume_scheme="https"
        )
        self.fields["checked_on"] = forms.DateField(
            label=_("Date checked"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["note"] = forms.CharField(
            label=_("Note on the source"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields["verified"] = forms.BooleanField(
            label=_("I checked this value against the source"), required=False
        )

    def _initial(self, item: dict[str, Any]) -> dict[str, Any]:
        value = item["value"]
        initial: dict[str, Any] = {name: item["source"].get(name, "") for name in cr.SOURCE_FIELDS}
        initial["checked_on"] = item["source"].get("checked_on") or None
        initial["verified"] = item["status"] == cr.VERIFIED
        kind = self.spec.kind
        if kind == cr.PERIOD:
            initial |= {"length": value["length"], "unit": value["unit"]}
        elif kind == cr.PERIODS:
            initial |= {"lengths": ", ".join(str(p["length"]) for p in value), "unit": value[0]["unit"]}
        elif kind == cr.RETENTION:
            initial |= {"years": value["years"], "action": value["action"]}
        else:
            initial["value"] = value
        return initial

    def _add_value_fields(self) -> None:
        kind = self.spec.kind
        label = self.spec.label
        if kind in (cr.PERIOD, cr.PERIODS):
            if kind == cr.PERIOD:
                self.fields["length"] = forms.IntegerField(label=label, min_value=0)
            else:
                self.fields["lengths"] = forms.CharField(
                    label=label, help_text=_("Numbers separated by commas, e.g. 90, 180, 365.")
                )
            self.fields["unit"] = forms.ChoiceField(label=_("Unit"), choices=_UNIT_CHOICES)
        elif kind == cr.DECIDERS:
            self.fields["value"] = forms.MultipleChoiceField(
                label=label, choices=DecisionMaker.choices, widget=forms.CheckboxSelectMultiple
            )
        elif kind == cr.RETENTION:
            self.fields["years"] = forms.IntegerField(label=label, min_value=1, max_value=100)
            self.fields["action"] = forms.ChoiceField(label=_("Then"), choices=_ACTION_CHOICES)
        else:
            self.fields["value"] = forms.CharField(
                label=label, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )

    def clean_lengths(self) -> list[int]:
        raw = str(self.cleaned_data.get("lengths", ""))
        try:
            lengths = [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Give whole numbers separated by commas.")) from None
        if not lengths:
            raise forms.ValidationError(_("Give at least one period."))
        return sorted(lengths)

    def _value(self) -> Any:
        data = self.cleaned_data
        kind = self.spec.kind
        if kind == cr.PERIOD:
            return {"length": data["length"], "unit": data["unit"]}
        if kind == cr.PERIODS:
            return [{"length": n, "unit": data["unit"]} for n in data["lengths"]]
        if kind == cr.RETENTION:
            return {"years": data["years"], "action": data["action"]}
        if kind == cr.DECIDERS:
            # Keep the order of the HTCDS list, so an unchanged choice compares equal.
            return [m for m in cr.DECISION_MAKERS if m in data["value"]]
        return data["value"]

    def change(self) -> ItemChange:
        checked: dt.date | None = self.cleaned_data.get("checked_on")
        source = {name: str(self.cleaned_data.get(name) or "") for name in ("act", "section", "url", "note")}
        source["checked_on"] = checked.isoformat() if checked else ""
        return ItemChange(
            value=self._value(), source=source, verified=bool(self.cleaned_data.get("verified"))
        )


def item_forms(data: Any, items: dict[str, dict[str, Any]]) -> list[ItemForm]:
    return [ItemForm(data, key=key, item=items[key]) for key in cr.ITEM_KEYS]
