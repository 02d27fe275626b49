"""The hub search's box and filters, for the page (the API reads the same parameters with ninja)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import Exploitation, Stage
from strom.core.countries import country_choices
from strom.core.search import search_sources
from strom.core.vocabulary import Sector, Theme
from strom.hub.search import MAX_PAGE, MAX_QUERY, SearchFilters

ANY = [("", _("Any"))]


def kind_choices() -> list[tuple[str, str]]:
    return [(source.kind, str(source.label)) for source in search_sources()]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the hub"),
        required=False,
        max_length=MAX_QUERY,
        help_text=_('Words, "a phrase", or a word with a minus sign to leave it out.'),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("What"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=ANY + list(Theme.choices))
    form = forms.ChoiceField(
        label=_("Form of exploitation"), required=False, choices=ANY + list(Exploitation.choices)
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=ANY + list(Stage.choices))
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=ANY + list(Sector.choices))
    type = forms.CharField(label=_("Type"), required=False, max_length=64)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("Any")), *country_choices()]  # type: ignore[attr-defined]

    def query(self) -> str:
        return str(self.cleaned_data.get("q") or "") if self.is_valid() else ""

    def page_number(self) -> int:
        return int(self.cleaned_data.get("page") or 1) if self.is_valid() else 1

    def filters(self) -> SearchFilters:
        if not self.is_valid():
            return SearchFilters()
        data = self.cleaned_data
        return SearchFilters(
            kinds=(data["kind"],) if data.get("kind") else (),
            country=data.get("country") or "",
            theme=data.get("theme") or "",
            form=data.get("form") or "",
            stage=data.get("stage") or "",
            sector=data.get("sector") or "",
            type=data.get("type") or "",
            year=data.get("year"),
        )
