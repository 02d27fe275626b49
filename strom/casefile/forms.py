"""Forms for the case file. They parse and present; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.casefile.choices import (
    DocumentKind,
    EventType,
    Industry,
    MeansOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    Relationship,
    SexExploitationType,
    WebsiteOrApp,
)
from strom.casefile.dates import as_text, parse_partial_date
from strom.casefile.filetypes import ALLOWED, allowed_extensions
from strom.casefile.models import CaseNote, Perpetrator, TraffickingEvent
from strom.cases.choices import Exploitation, Gender
from strom.core.countries import country_choices

DATE_HELP = _("YYYY-MM-DD. If only the month or the year is known: YYYY-MM or YYYY.")


def _country_field(label: Any) -> forms.ChoiceField:
    # A callable: the country names are read in the viewer's language each time the form is shown.
    return forms.ChoiceField(
        label=label, required=False, choices=lambda: [("", _("Not known")), *country_choices()]
    )


def _checkboxes(label: Any, choices: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class VersionedForm(forms.Form):
    """Carries the version the user started from, for the no-lost-updates check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EventForm(VersionedForm):
    event_type = forms.ChoiceField(label=_("What happened"), choices=EventType.choices)
    date_from = forms.CharField(label=_("From"), required=False, max_length=10, help_text=DATE_HELP)
    date_to = forms.CharField(label=_("To"), required=False, max_length=10, help_text=DATE_HELP)
    country = _country_field(_("Country"))
    state = forms.CharField(label=_("Region or state"), required=False, max_length=100)
    city = forms.CharField(label=_("City or town"), required=False, max_length=100)
    street = forms.CharField(label=_("Street address"), required=False, help_text=_("Stored encrypted."))
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=20)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Stored encrypted."),
    )
    forms_of_exploitation = _checkboxes(_("Forms of exploitation"), Exploitation.choices)
    industry = forms.ChoiceField(
        label=_("Industry"),
        required=False,
        choices=[("", _("Not known or not applicable")), *Industry.choices],
    )
    sex_exploitation_types = _checkboxes(
        _("Type of sexual exploitation"),
        SexExploitationType.choices,
        _("Only when sexual exploitation is one of the forms of exploitation."),
    )
    means_of_control = _checkboxes(_("Means of control"), MeansOfControl.choices)
    recruitment_methods = _checkboxes(_("Method of recruitment"), RecruitmentMethod.choices)
    websites_and_apps = _checkboxes(_("Websites and apps used"), WebsiteOrApp.choices)

    @classmethod
    def initial_for(cls, event: TraffickingEvent) -> dict[str, Any]:
        initial = {name: getattr(event, name) for name in cls.base_fields if hasattr(event, name)}
        initial["date_from"] = as_text(event.date_from, event.date_from_precision)
        initial["date_to"] = as_text(event.date_to, event.date_to_precision)
        return initial

    def _partial(self, name: str) -> tuple[Any, str] | None:
        value: str = self.cleaned_data.get(name, "")
        return parse_partial_date(value)

    def clean_date_from(self) -> Any:
        return self._partial("date_from")

    def clean_date_to(self) -> Any:
        return self._partial("date_to")

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "date_from", "date_to")}
        for end in ("from", "to"):
            parsed = self.cleaned_data.get(f"date_{end}")
            data[f"date_{end}"] = parsed[0] if parsed else None
            if parsed:
                data[f"date_{end}_precision"] = parsed[1]
        return data


class PerpetratorForm(VersionedForm):
    name = forms.CharField(
        label=pgettext_lazy("of a person", "Name"),
        required=False,
        max_length=300,
        help_text=_("Stored encrypted."),
    )
    aliases = forms.CharField(
        label=_("Aliases and other spellings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Stored encrypted."),
    )
    gender = forms.ChoiceField(label=_("Sex/gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationality = _country_field(_("Nationality"))
    roles = _checkboxes(_("Role in the process"), PerpetratorRole.choices)
    relationship = forms.ChoiceField(
        label=_("Relationship to the person"), required=False, choices=Relationship.choices
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What this person did. Stored encrypted."),
    )

    @classmethod
    def initial_for(cls, perpetrator: Perpetrator) -> dict[str, Any]:
        return {name: getattr(perpetrator, name) for name in cls.base_fields}

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class NoteForm(VersionedForm):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)
    restricted = forms.BooleanField(
        label=_("Restricted"),
        required=False,
        help_text=_("Only you and the supervisors of the organisation can read a restricted note."),
    )

    @classmethod
    def initial_for(cls, note: CaseNote) -> dict[str, Any]:
        return {"body": note.body, "restricted": note.restricted, "version": note.version}


def upload_help() -> str:
    return str(
        _("Accepted: %(types)s (%(extensions)s). At most %(limit)s.")
        % {
            "types": ", ".join(str(t.label) for t in ALLOWED),
            "extensions": allowed_extensions(),
            "limit": filesizeformat(settings.STROM_UPLOAD_MAX_BYTES),
        }
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, help_text=_("Stored encrypted."))
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        file_field = self.fields["file"]
        file_field.help_text = upload_help()
        file_field.widget.attrs["accept"] = ",".join(
            [*allowed_extensions().split(", "), *(t.content_type.split(";")[0] for t in ALLOWED)]
        )
