from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.core.countries import country_choices
from strom.core.vocabulary import Sector
from strom.directory.models import Organisation
from strom.events.models import (
    Event,
    EventKind,
    LibraryMaterial,
    PersonRole,
    Session,
    SessionKind,
)
from strom.events.schedule import PersonData


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
    target_sectors = forms.MultipleChoiceField(
        label=_("For sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who a training is for."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            # Editing: the managing organisation and the acronym (the schedule's id) stay as they are.
            del self.fields["organisation"]
            del self.fields["acronym"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        return {
            "kind": event.kind,
            "title": event.title,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "timezone_name": event.timezone,
            "venue": event.venue,
            "city": event.city,
            "country": event.country,
            "online": event.online,
            "co_funders": event.co_funders,
            "languages": ", ".join(event.languages),
            "interpretation": event.interpretation,
            "capacity": event.capacity,
            "target_sectors": event.target_sectors,
            "description": event.description,
        }

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
    name = forms.CharField(label=pgettext_lazy("of a person", "Name"), max_length=200)
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


class SessionForm(forms.Form):
    date = forms.ChoiceField(label=_("Day"))
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440)
    kind = forms.ChoiceField(label=_("Type"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    room = forms.CharField(label=_("Room"), max_length=200, required=False, help_text=_("Empty: the venue."))
    language = forms.CharField(label=_("Language"), max_length=3, required=False, help_text=_("ISO 639 code"))
    people = forms.CharField(
        label=_("Moderators, speakers and trainers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One person a line: role; name; function; organisation; country code; talk title. "
            "Role is moderator, speaker or trainer."
        ),
    )

    def __init__(self, *args: Any, days: list[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [(d.isoformat(), date_format(d, "DATE_FORMAT")) for d in days]  # type: ignore[attr-defined]  # ChoiceField

    @staticmethod
    def initial_for(session: Session) -> dict[str, Any]:
        people = [
            "; ".join([p.role, p.name, p.function, p.organisation_name, p.country, p.talk_title]).rstrip("; ")
            for p in session.people.all()
        ]
        return {
            "date": session.day.date.isoformat(),
            "start": session.start,
            "duration_minutes": session.duration_minutes,
            "kind": session.kind,
            "title": session.title,
            "description": session.description,
            "room": session.room.name if session.room else "",
            "language": session.language,
            "people": "\n".join(people),
        }

    def clean_date(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["date"])

    def clean_people(self) -> list[PersonData]:
        people = []
        for number, line in enumerate((self.cleaned_data.get("people") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")] + [""] * 6
            role, name, function, organisation, country, talk = parts[:6]
            role = role.lower()
            if role not in PersonRole.values or not name:
                raise forms.ValidationError(
                    _("Line %(number)d: start with moderator, speaker or trainer, then the name.")
                    % {"number": number}
                )
            people.append(
                PersonData(
                    role=role,
                    name=name,
                    function=function,
                    organisation_name=organisation,
                    country=country.upper(),
                    talk_title=talk,
                )
            )
        return people


class MaterialForm(forms.Form):
    session = forms.ModelChoiceField(queryset=Session.objects.none(), label=_("Session"))
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]  # ModelChoiceField


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the event cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the event's page to everyone registered."),
    )


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module"), max_length=300)
    learning_goals = forms.CharField(
        label=_("Learning goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What participants can do afterwards, one a line."),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=6000)
    sessions = forms.ModelMultipleChoiceField(
        queryset=Session.objects.none(),
        label=_("Taught in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = sessions  # type: ignore[attr-defined]  # ModelMultipleChoiceField


class LibraryMaterialForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Kept by"))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.CharField(label=_("Language"), max_length=3, required=False, help_text=_("ISO 639 code"))
    sectors = forms.MultipleChoiceField(
        label=_("For sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All")), *Sector.choices], required=False)
    language = forms.CharField(label=_("Language"), required=False, max_length=3)


class AttachForm(forms.Form):
    material = forms.ModelChoiceField(queryset=LibraryMaterial.objects.none(), label=_("Training material"))
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        label=_("Session"),
        required=False,
        help_text=_("Empty: the whole event."),
    )

    def __init__(self, *args: Any, materials: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]  # ModelChoiceField


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
    name = forms.CharField(label=_("Name on the certificate"), max_length=200)


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All")), *Sector.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All")), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField
