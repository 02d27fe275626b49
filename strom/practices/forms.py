from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import PathwayStep
from strom.practices.models import (
    TEXT_FIELDS,
    EvidenceLevel,
    Exploitation,
    Practice,
    Sector,
    Stage,
    TargetGroup,
    Theme,
    Visibility,
)
from strom.practices.scale import CRITERIA, MAX_SCORE
from strom.practices.services import ContactData, LinkData, PracticeData, PracticeTexts, RatingData

TEXTAREA = {"rows": 4}


def _checkboxes(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class PracticeForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Kept by"))
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs=TEXTAREA))
    problem = forms.CharField(
        label=_("Problem addressed"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    what_was_done = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    results = forms.CharField(
        label=_("Results and evidence"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    country = forms.ChoiceField(label=_("Country"))
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("country", "name"), label=_("Municipality"), required=False
    )
    region = forms.CharField(label=_("Region"), max_length=200, required=False)
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("country", "name"),
        label=_("Organisations involved"),
        required=False,
    )
    target_groups = _checkboxes(_("Target groups"), TargetGroup.choices)
    forms_of_exploitation = _checkboxes(_("Forms of exploitation"), Exploitation.choices)
    stages = _checkboxes(_("Stages of the chain of assistance"), Stage.choices)
    sectors = _checkboxes(_("Sectors"), Sector.choices)
    themes = _checkboxes(_("Themes"), Theme.choices)
    pathway_steps = forms.ModelMultipleChoiceField(
        queryset=PathwayStep.objects.select_related("pathway__municipality").order_by(
            "pathway__municipality__country", "pathway__municipality__name", "position"
        ),
        label=_("Referral pathway steps"),
        required=False,
    )
    start_year = forms.IntegerField(label=_("From (year)"), required=False, min_value=1950, max_value=2100)
    end_year = forms.IntegerField(
        label=_("Until (year)"),
        required=False,
        min_value=1950,
        max_value=2100,
        help_text=_("Empty: ongoing."),
    )
    cost_eur = forms.DecimalField(label=_("Cost (EUR)"), required=False, min_value=0, decimal_places=2)
    cost_note = forms.CharField(label=_("About the cost"), max_length=300, required=False)
    languages = forms.CharField(
        label=_("Languages of the record"), required=False, help_text=_("ISO 639 codes: en, lv, ru")
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    contacts = forms.CharField(
        label=_("Contacts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One person a line: name; function; e-mail; phone. Shown only to logged-in members, "
            "never to the public."
        ),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: title | https://address"),
    )

    def __init__(self, *args: Any, organisations: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField
        if editing:
            del self.fields["organisation"]
        self.fields["pathway_steps"].label_from_instance = (  # type: ignore[attr-defined]  # ModelChoiceField
            lambda step: f"{step.pathway.municipality.name}: {step.get_stage_display()}"
        )

    def clean_languages(self) -> list[str]:
        raw: str = self.cleaned_data.get("languages") or ""
        return [code.strip().lower() for code in raw.replace(";", ",").split(",") if code.strip()]

    def clean_contacts(self) -> list[ContactData]:
        people = []
        for number, line in enumerate((self.cleaned_data.get("contacts") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, function, email, phone = ([part.strip() for part in line.split(";")] + [""] * 4)[:4]
            if not name:
                raise forms.ValidationError(_("Line %(number)d: start with the name.") % {"number": number})
            people.append(ContactData(name=name, function=function, email=email, phone=phone))
        return people

    def clean_links(self) -> list[LinkData]:
        links = []
        for number, line in enumerate((self.cleaned_data.get("links") or "").splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, url = line.rpartition("|")
            if not title.strip() or not url.strip():
                raise forms.ValidationError(
                    _("Line %(number)d: write the title, then | and the address.") % {"number": number}
                )
            links.append(LinkData(title=title.strip(), url=url.strip()))
        return links

    def to_data(self) -> PracticeData:
        d = self.cleaned_data
        return PracticeData(
            title=d["title"],
            summary=d["summary"],
            country=d["country"],
            problem=d["problem"],
            what_was_done=d["what_was_done"],
            results=d["results"],
            municipality=d["municipality"],
            region=d["region"],
            organisations=list(d["organisations"]),
            target_groups=d["target_groups"],
            forms=d["forms_of_exploitation"],
            stages=d["stages"],
            sectors=d["sectors"],
            themes=d["themes"],
            pathway_steps=list(d["pathway_steps"]),
            start_year=d["start_year"],
            end_year=d["end_year"],
            cost_eur=d["cost_eur"],
            cost_note=d["cost_note"],
            languages=d["languages"],
            visibility=d["visibility"],
            contacts=d["contacts"],
            links=d["links"],
        )


def initial_for(practice: Practice) -> dict[str, Any]:
    """The form's values from the working copy (its contacts decrypted: the page records the read).
    The texts are the original language's: the other languages are edited beside them (`TranslationForm`)."""
    practice.set_current_language(practice.original_language)
    return {
        "title": practice.title,
        "summary": practice.summary,
        "problem": practice.problem,
        "what_was_done": practice.what_was_done,
        "results": practice.results,
        "country": practice.country,
        "municipality": practice.municipality_id,
        "region": practice.region,
        "organisations": list(practice.organisations.values_list("pk", flat=True)),
        "target_groups": practice.target_groups,
        "forms_of_exploitation": practice.forms,
        "stages": practice.stages,
        "sectors": practice.sectors,
        "themes": practice.themes,
        "pathway_steps": list(practice.pathway_steps.values_list("pk", flat=True)),
        "start_year": practice.start_year,
        "end_year": practice.end_year,
        "cost_eur": practice.cost_eur,
        "cost_note": practice.cost_note,
        "languages": ", ".join(practice.languages),
        "visibility": practice.visibility,
        "contacts": "\n".join(
            "; ".join([c.name, c.function, c.email, c.phone]).rstrip("; ") for c in practice.contacts.all()
        ),
        "links": "\n".join(f"{link.title} | {link.url}" for link in practice.links.all()),
    }


SCORE_CHOICES = [("", "—"), *((str(n), str(n)) for n in range(MAX_SCORE + 1))]


class RatingForm(forms.Form):
    """Four scores, each with its justification; the fields are made from the scale."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.key] = forms.TypedChoiceField(
                label=criterion.label,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=criterion.question,
            )
            self.fields[f"{criterion.key}_note"] = forms.CharField(
                label=_("Why this score"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def to_data(self) -> RatingData:
        return RatingData(**{name: self.cleaned_data[name] for name in self.fields})

    def rows(self) -> list[dict[str, Any]]:
        """Each criterion of the scale with its score and justification fields, for the review page."""
        return [{"criterion": c, "score": self[c.key], "note": self[f"{c.key}_note"]} for c in CRITERIA]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the editors change?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(forms.Form):
    comment = forms.CharField(
        label=_("A note with the publication"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"))


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or summary"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", "—"), *Stage.choices])
    form = forms.ChoiceField(
        label=_("Form of exploitation"), required=False, choices=[("", "—"), *Exploitation.choices]
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", "—"), *Sector.choices])
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", "—"), *Theme.choices])
    level = forms.ChoiceField(
        label=_("Evidence level"),
        required=False,
        choices=[
            ("", "—"),
            *((v, label) for v, label in EvidenceLevel.choices if v != EvidenceLevel.INSUFFICIENT),
        ],
    )

    # Set by a link from a referral pathway step, not chosen on the form.
    step = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField


class TranslationForm(forms.Form):
    """A practice's texts in another language of the region, written beside the original."""

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    problem = forms.CharField(
        label=_("Problem addressed"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_was_done = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    results = forms.CharField(
        label=_("Results and evidence"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def to_texts(self) -> PracticeTexts:
        return PracticeTexts(**{name: self.cleaned_data[name] for name in TEXT_FIELDS})
