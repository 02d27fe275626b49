"""The operators' forms: one screen per contact, filled in under a minute, and what follows from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import Gender
from strom.core.countries import country_choices
from strom.directory.models import Municipality, Organisation
from strom.hotline.models import Action, CallerType, Channel, Direction, PlaceIndicator, Sector, Topic
from strom.hotline.public import active_hotlines
from strom.hotline.services import NAME_MAX, SUMMARY_MAX, TIP_RECEIVERS, ContactFields, NewPerson, TipFields
from strom.network.models import NetworkService
from strom.referrals.models import Section

if TYPE_CHECKING:
    from strom.hotline.models import Contact


def _optional_country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *country_choices()]


class ContactForm(forms.Form):
    """The contact log. Radio buttons for the few choices an operator makes on every call."""

    organisation = forms.ModelChoiceField(label=_("Hotline"), queryset=Organisation.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.INBOUND, widget=forms.RadioSelect
    )
    occurred_at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        help_text=_("Leave empty for now. Format: 2026-05-14 09:30."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=1440
    )
    caller_type = forms.ChoiceField(label=_("Caller"), choices=CallerType.choices, widget=forms.RadioSelect)
    language = forms.CharField(label=_("Language (ISO code, e.g. ru)"), required=False, max_length=3)
    interpreter = forms.BooleanField(label=_("An interpreter was used"), required=False)
    country = forms.ChoiceField(
        label=_("Country concerned"), choices=_optional_country_choices, required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality concerned"), queryset=Municipality.objects.all(), required=False
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, widget=forms.RadioSelect)
    immediate_danger = forms.BooleanField(label=_("Immediate danger"), required=False)
    child = forms.BooleanField(label=_("A child is concerned"), required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the contact was about, in a few lines. Stored encrypted; no names unless needed."),
    )
    actions = forms.MultipleChoiceField(
        label=_("What was done"), choices=Action.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    referred_service = forms.ModelChoiceField(
        label=_("Referred to (network directory)"), queryset=NetworkService.objects.none(), required=False
    )
    caller_name = forms.CharField(label=_("Caller's name (optional)"), required=False, max_length=NAME_MAX)
    callback = forms.CharField(
        label=_("How to reach the caller (optional)"),
        required=False,
        max_length=NAME_MAX,
        help_text=_("Only if the caller wants to be called back."),
    )
    contact_me = forms.BooleanField(label=_("The caller asks to be contacted"), required=False)
    recognise_consent = forms.BooleanField(
        label=_("The caller agrees to be recognised when they call again"), required=False
    )
    caller_phone = forms.CharField(
        label=_("Caller's phone number"),
        required=False,
        max_length=40,
        help_text=_("Kept only as a key that recognises the number, never in clear."),
    )

    def __init__(self, data: Any = None, *, organisations: list[Organisation], user: Any) -> None:
        super().__init__(data)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            org_field.initial = organisations[0].pk
            org_field.widget = forms.HiddenInput()
        countries = {o.country for o in organisations}
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = Municipality.objects.filter(country__in=countries).order_by("name")
        service = self.fields["referred_service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = NetworkService.objects.visible_to(user).filter(is_active=True).order_by("name")
        self.fields["country"].initial = next(iter(countries)) if len(countries) == 1 else ""

    def fields_data(self) -> ContactFields:
        data = self.cleaned_data
        occurred = data.get("occurred_at")
        return ContactFields(
            channel=data["channel"],
            direction=data["direction"],
            occurred_at=occurred or timezone.now(),
            duration_minutes=data.get("duration_minutes"),
            caller_type=data["caller_type"],
            language=(data.get("language") or "").strip().lower(),
            interpreter=data["interpreter"],
            country=data.get("country") or "",
            municipality=data.get("municipality"),
            topic=data["topic"],
            immediate_danger=data["immediate_danger"],
            child=data["child"],
            summary=data.get("summary") or "",
            actions=list(data.get("actions") or []),
            referred_service=data.get("referred_service"),
            caller_name=data.get("caller_name") or "",
            callback=data.get("callback") or "",
            contact_me=data["contact_me"],
            caller_phone=data.get("caller_phone") or "",
            recognise_consent=data["recognise_consent"],
        )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("All")), *Topic.choices])
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    unreviewed = forms.BooleanField(label=_("Not yet reviewed"), required=False)


class OpenCaseForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=NAME_MAX, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=NAME_MAX, required=False)
    gender = forms.ChoiceField(label=_("Sex/gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    age_estimate = forms.IntegerField(label=_("Estimated age"), required=False, min_value=0, max_value=120)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())

    def __init__(self, data: Any = None, *, contact: Contact) -> None:
        super().__init__(data)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Municipality.objects.filter(country=contact.organisation.country).order_by("name")
        field.initial = contact.municipality_id

    def person(self) -> NewPerson:
        data = self.cleaned_data
        return NewPerson(
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            gender=data["gender"],
            age_estimate=data["age_estimate"],
        )


class LinkCaseForm(forms.Form):
    case_ref = forms.CharField(label=_("Case reference"), max_length=40)


class ReferForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=NetworkService.objects.none())
    scope = forms.MultipleChoiceField(
        label=_("What the service may see"), choices=Section.choices, widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("Message for the service"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = NetworkService.objects.visible_to(user).filter(is_active=True).order_by("name")


class TipForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Hotline"), queryset=Organisation.objects.none())
    place_name = forms.CharField(label=_("Place or employer"), max_length=NAME_MAX)
    address = forms.CharField(label=_("Address or location"), max_length=NAME_MAX, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    indicators = forms.MultipleChoiceField(
        label=_("What was seen"),
        choices=PlaceIndicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, organisations: list[Organisation]) -> None:
        super().__init__(data)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            org_field.initial = organisations[0].pk
            org_field.widget = forms.HiddenInput()
            self.fields["country"].initial = organisations[0].country

    def fields_data(self) -> TipFields:
        data = self.cleaned_data
        return TipFields(
            place_name=data["place_name"],
            address=data.get("address") or "",
            country=data["country"],
            municipality=data.get("municipality"),
            sector=data["sector"],
            indicators=list(data.get("indicators") or []),
            description=data.get("description") or "",
        )


class TipGroupForm(forms.Form):
    with_tip = forms.IntegerField(label=_("Number of the tip about the same place"), min_value=1)


class TipPassForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Focal point"), queryset=NetworkService.objects.none())
    note = forms.CharField(
        label=_("Note for the recipient"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, user: Any, country: str) -> None:
        super().__init__(data)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            NetworkService.objects.visible_to(user)
            .filter(is_active=True, service_type__in=list(TIP_RECEIVERS), organisation__country=country)
            .order_by("-nrm_focal_point", "name")
        )


class RightsPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paragraphs, lists (- item) and **bold** text."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class PublicRecipientForm(forms.Form):
    """Which of a country's active hotlines receives the public front door's messages (one form per
    country on the page, told apart by the country as prefix)."""

    organisation = forms.ModelChoiceField(
        label=_("Hotline that receives the messages"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No choice: the country's first active hotline"),
    )

    def __init__(self, data: Any = None, *, country: str, chosen: int | None = None) -> None:
        super().__init__(data, prefix=country.lower(), initial={"organisation": chosen})
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = active_hotlines(country).order_by("name", "pk")


# --- the public front door -------------------------------------------------------------------------------

MESSAGE_MAX = 2000


class PublicForm(forms.Form):
    """The anonymous tip or "contact me" form. Every text goes through `clean_public_text`; nothing is
    required that identifies the visitor. `website` is a honeypot: people never see it, robots fill it."""

    ABOUT = [
        ("myself", _("Myself")),
        ("someone", _("Someone I know")),
        ("workplace", _("A workplace or an employer")),
    ]

    about = forms.ChoiceField(label=_("Who is this about?"), choices=ABOUT, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text, at most 2000 characters. You do not have to give any name."),
    )
    danger = forms.BooleanField(label=_("Someone is in danger right now"), required=False)
    place_name = forms.CharField(label=_("Name of the workplace or employer"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Town or municipality"), queryset=Municipality.objects.none(), required=False
    )
    sector = forms.ChoiceField(label=_("Kind of work"), choices=[("", "—"), *Sector.choices], required=False)
    indicators = forms.MultipleChoiceField(
        label=_("What did you see?"),
        choices=PlaceIndicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_me = forms.BooleanField(label=_("Please contact me"), required=False)
    callback = forms.CharField(
        label=_("How can we reach you safely?"),
        required=False,
        help_text=_("A phone number, e-mail or messenger name, and when it is safe to call."),
    )
    answers = forms.MultipleChoiceField(choices=[], required=False, widget=forms.MultipleHiddenInput)
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, data: Any = None, *, country: str, initial: dict[str, Any] | None = None) -> None:
        from strom.hotline.public import QUESTIONS

        super().__init__(data, initial=initial)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Municipality.objects.filter(country=country).order_by("name")
        answers = self.fields["answers"]
        assert isinstance(answers, forms.MultipleChoiceField)
        answers.choices = [(q.id, q.id) for q in QUESTIONS]

    def _text(self, name: str, limit: int) -> str:
        from strom.hotline.public import clean_public_text

        return clean_public_text(self.cleaned_data.get(name) or "", limit=limit)

    def clean_message(self) -> str:
        text = self._text("message", MESSAGE_MAX)
        if not text:
            raise forms.ValidationError(_("Please write a few words about what happened."))
        return text

    def clean_place_name(self) -> str:
        return self._text("place_name", NAME_MAX)

    def clean_callback(self) -> str:
        return self._text("callback", NAME_MAX)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("about") == "workplace":
            if not data.get("place_name") and "place_name" not in self.errors:
                self.add_error("place_name", _("Please name the workplace or the employer."))
            if not data.get("sector"):
                self.add_error("sector", _("Please choose the kind of work."))
        if data.get("contact_me") and not data.get("callback") and "callback" not in self.errors:
            self.add_error(
                "callback", _("Please tell us how we can reach you, or untick “Please contact me”.")
            )
        return data


class SelfCheckForm(forms.Form):
    answers = forms.MultipleChoiceField(
        label=_("Tick what is true for you"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: Any = None) -> None:
        from strom.hotline.public import QUESTIONS

        super().__init__(data)
        field = self.fields["answers"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(q.id, q.text) for q in QUESTIONS]
