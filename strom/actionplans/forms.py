"""Forms of the action plan pages. A computed indicator has no value field anywhere: its values come
from the statistics engine (strom/actionplans/figures.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from strom.actionplans.figures import figure_choices
from strom.actionplans.models import (
    AddresseeKind,
    Indicator,
    IndicatorSource,
    MeasureStatus,
    PlanLevel,
    PlanStatus,
    Recommendation,
    SourceKind,
)
from strom.core.countries import country_choices
from strom.core.vocabulary import Theme
from strom.directory.models import Municipality, Organisation
from strom.events.models import Session

DATE = {"type": "date"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _organisations(queryset: QuerySet[Organisation]) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(queryset=queryset, label=_("Recorded by"))


def session_label(session: Session) -> str:
    when = date_format(session.day.date, "DATE_FORMAT")
    return f"{session.event.title} · {when} {session.start:%H:%M} · {session.title}"


class _Addressee(forms.Form):
    addressee_country = forms.ChoiceField(label=_("Country addressed"))
    addressee_kind = forms.ChoiceField(label=_("Addressed to"), choices=AddresseeKind.choices)
    addressee_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label=_("Organisation addressed"),
        required=False,
    )
    addressee_municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(), label=_("Municipality addressed"), required=False
    )
    addressee_name = forms.CharField(
        label=_("Or the addressee's name"),
        max_length=300,
        required=False,
        help_text=_("When it is not in the directory, e.g. the Ministry of Welfare"),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _organisations(organisations)
        self.fields["addressee_country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField
        self.order_fields(["organisation"])


class RecommendationForm(_Addressee):
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(), label=_("Event session"), required=False
    )
    report_title = forms.CharField(label=_("Report"), max_length=300, required=False)
    report_publisher = forms.CharField(label=_("Published by"), max_length=300, required=False)
    report_year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    report_reference = forms.CharField(label=_("Link or reference"), max_length=500, required=False)
    assessment_reference = forms.CharField(label=_("Baseline assessment"), max_length=300, required=False)
    reference = forms.CharField(
        label=_("Number in the source"), max_length=40, required=False, help_text=_("e.g. paragraph 87")
    )
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.CharField(label=_("Language"), max_length=3, initial="en", help_text=_("ISO 639 code"))

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.queryset = sessions  # type: ignore[attr-defined]  # ModelChoiceField
        field.label_from_instance = session_label  # type: ignore[attr-defined]  # ModelChoiceField
        self.order_fields(["organisation", "source_kind", "session", "report_title"])


class SessionConclusionsForm(_Addressee):
    session = forms.ModelChoiceField(queryset=Session.objects.none(), label=_("Event session"))
    conclusions = forms.CharField(
        label=_("Conclusions"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One conclusion a paragraph: leave an empty line between two. Each becomes a recommendation."
        ),
    )

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.queryset = sessions  # type: ignore[attr-defined]  # ModelChoiceField
        field.label_from_instance = session_label  # type: ignore[attr-defined]  # ModelChoiceField
        self.order_fields(["organisation", "session", "conclusions"])

    def clean_conclusions(self) -> list[str]:
        text: str = self.cleaned_data.get("conclusions") or ""
        paragraphs = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
        return [p for p in paragraphs if p]


class PlanForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner"))
    level = forms.ChoiceField(label=_("Level"), choices=PlanLevel.choices)
    country = forms.ChoiceField(label=_("Country"))
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(), label=_("Municipality"), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    period_end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs=DATE))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("What"), max_length=500)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label=_("Responsible organisation"),
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label=_("Partners"),
        required=False,
    )
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs=DATE))
    target_date = forms.DateField(label=_("Target date"), widget=forms.DateInput(attrs=DATE))
    budget_amount = forms.DecimalField(label=_("Budget"), required=False, min_value=0, decimal_places=2)
    budget_currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    report_every_months = forms.IntegerField(
        label=_("A progress report every (months)"), min_value=1, max_value=24, initial=3
    )
    answers = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        label=_("Answers the recommendations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, recommendations: QuerySet[Recommendation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = recommendations  # type: ignore[attr-defined]  # ModelChoiceField


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    drop_reason = forms.CharField(
        label=_("Why it is dropped"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IndicatorForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=IndicatorSource.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Indicator"),
        max_length=300,
        required=False,
        help_text=_("A computed one may keep its figure's name."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    figure = forms.ChoiceField(label=_("Figure STROM counts"), required=False)
    baseline = forms.DecimalField(
        label=_("Baseline"),
        required=False,
        help_text=_("Reported indicators only: a computed one's is computed."),
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Computed indicators"),
    )
    target = forms.DecimalField(label=_("Target"), required=False)
    year_from = forms.IntegerField(
        label=_("Counted from (year)"), required=False, min_value=1990, max_value=2100
    )
    year_to = forms.IntegerField(
        label=_("Counted until (year)"), required=False, min_value=1990, max_value=2100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [("", "—"), *figure_choices()]  # type: ignore[attr-defined]  # ChoiceField


class ProgressReportForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE))
    text = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("No personal data of victims or participants."),
    )
    status = forms.ChoiceField(label=_("Status after this report"), choices=MeasureStatus.choices)
    drop_reason = forms.CharField(
        label=_("Why it is dropped"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(
        label=_("Evidence"), required=False, help_text=_("PDF, images, text or documents")
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A field only for what a person reports; computed indicators are computed with the report.
        self.manual = [i for i in indicators if not i.is_computed]
        for indicator in self.manual:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name,
                required=False,
            )

    def values(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"value_{i.pk}") for i in self.manual}
