from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strom.core.collation import sorted_by_name
from strom.directory.models import Municipality
from strom.stats import dimensions as dims
from strom.stats.engine import Spec, parse_by, parse_datasets, parse_filter
from strom.stats.models import Dataset, ImportFormat

FILTERS = 2
ROUNDING = [("", _("No rounding")), ("5", _("To a multiple of 5")), ("10", _("To a multiple of 10"))]


def _dimension_choices(blank: Promise | None) -> list[tuple[str, Any]]:
    # Lazy labels: the choices are made once, and are shown in each reader's language.
    choices: list[tuple[str, Any]] = [(d.name, d.label) for d in dims.DIMENSIONS]
    return [("", blank), *choices] if blank else choices


def _value_choices() -> list[tuple[Any, Any]]:
    """Every value a filter can pick, grouped by dimension, shown by its label and sent by its name."""
    municipalities = [
        (f"{m.country}-{m.code}", f"{m.name} ({m.country})")
        for m in Municipality.objects.order_by("country", "name")
        if m.code
    ]
    groups: list[tuple[Any, Any]] = [("", _("(choose a value)"))]
    for dimension in dims.DIMENSIONS:
        if dimension.kind == dims.YEAR:
            continue  # years are typed: one year or a range
        if dimension.kind == dims.COUNTRY:
            names = dims.country_values_map()
            values = sorted_by_name(list(names.items()), lambda value: value[1])
        elif dimension.kind == dims.MUNICIPALITY:
            values = municipalities
        else:
            values = [(v.name, str(v.label)) for v in dimension.values]
        groups.append((str(dimension.label), [*values, (dims.UNKNOWN, str(dims.UNKNOWN_LABEL))]))
    return groups


class TableForm(forms.Form):
    datasets = forms.MultipleChoiceField(
        label=_("Datasets"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: STROM's own cases."),
    )
    by1 = forms.ChoiceField(label=_("Rows"), choices=_dimension_choices(None))
    by2 = forms.ChoiceField(label=_("Columns"), choices=_dimension_choices(_("(none)")), required=False)
    by3 = forms.ChoiceField(
        label=_("One table for each"), choices=_dimension_choices(_("(none)")), required=False
    )
    filter1_dimension = forms.ChoiceField(
        label=_("Only where"), choices=_dimension_choices(_("(no filter)")), required=False
    )
    # A pick-list of labels; a typed list of names ("A,B") from an older link is still read.
    filter1_value = forms.CharField(label=_("is"), required=False, max_length=200, widget=forms.Select)
    filter1_range = forms.CharField(
        label=_("or from … to …"),
        required=False,
        max_length=40,
        help_text=_("For years, age groups and days: one year, or a range such as 2020..2024"),
    )
    filter2_dimension = forms.ChoiceField(
        label=_("and where"), choices=_dimension_choices(_("(no filter)")), required=False
    )
    filter2_value = forms.CharField(label=_("is"), required=False, max_length=200, widget=forms.Select)
    filter2_range = forms.CharField(
        label=_("or from … to …"),
        required=False,
        max_length=40,
        help_text=_("For years, age groups and days: one year, or a range such as 2020..2024"),
    )
    rounding = forms.ChoiceField(label=_("Rounding"), choices=ROUNDING, required=False)

    def __init__(self, *args: Any, datasets: list[Dataset], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["datasets"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(d.name, f"{d.name} ({d.get_kind_display()})") for d in datasets]
        values = _value_choices()
        for i in range(1, FILTERS + 1):
            self.fields[f"filter{i}_value"].widget.choices = values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            by = parse_by([data.get(f"by{i}") or "" for i in (1, 2, 3)])
            filters = []
            for i in range(1, FILTERS + 1):
                dimension = data.get(f"filter{i}_dimension")
                value = (data.get(f"filter{i}_range") or data.get(f"filter{i}_value") or "").strip()
                if dimension and value:
                    filters.append(parse_filter(f"{dimension}={value}"))
                elif dimension:
                    self.add_error(f"filter{i}_value", _("Give a value for this filter."))
            rounding = int(data["rounding"]) if data.get("rounding") else None
            data["spec"] = Spec(
                datasets=parse_datasets(data.get("datasets") or ["strom"]),
                by=by,
                filters=filters,
                rounding=rounding,
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return data


class ImportForm(forms.Form):
    name = forms.SlugField(
        label=_("Name of the new dataset"),
        max_length=60,
        help_text=_("Lower-case letters, digits, - and _, for example ctdc-2021."),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=ImportFormat.choices, initial=ImportFormat.CTDC, required=False
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CTDC global dataset file, or a table another STROM instance exported for exchange."),
    )

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or ImportFormat.CTDC

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if getattr(upload, "oversize", False):
            raise ValidationError(
                _("The file is %(size)d MB, over the %(limit)d MB limit: use `strom import` on the server.")
                % {"size": upload.size // 1_000_000, "limit": settings.STROM_UPLOAD_MAX_BYTES // 1_000_000}
            )
        return upload
