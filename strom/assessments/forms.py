"""Forms of the assessment pages. The answering form is not a Django form: its fields come from the
questionnaire (strom/assessments/survey.py) and are read by `answers_from_post`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from strom.actionplans.models import AddresseeKind
from strom.assessments.survey import MAX_REPEATS, Survey
from strom.core.countries import country_choices
from strom.core.roles import OrgType
from strom.directory.models import Organisation

DATE = {"type": "date"}


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Kept by"), queryset=Organisation.objects.none())
    file = forms.FileField(
        label=_("XLSForm"), help_text=_("The survey, choices and settings sheets, as .xlsx, .xls or .csv.")
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # a ModelChoiceField


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    organisation = forms.ModelChoiceField(label=_("Run by"), queryset=Organisation.objects.none())
    countries = forms.MultipleChoiceField(
        label=_("Countries"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    org_types = forms.MultipleChoiceField(
        label=_("Types of organisation"),
        choices=OrgType.choices,
        initial=[OrgType.MUNICIPALITY],
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["countries"].choices = country_choices()  # type: ignore[attr-defined]  # a ChoiceField


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should be changed"), widget=forms.Textarea(attrs={"rows": 4}))


class FindingForm(forms.Form):
    question = forms.ChoiceField(label=_("Question"), choices=(), required=False)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}))
    organisation = forms.ModelChoiceField(label=_("Recorded by"), queryset=Organisation.objects.none())
    addressee_country = forms.ChoiceField(label=_("Country addressed"), choices=())
    addressee_kind = forms.ChoiceField(label=_("Addressed to"), choices=AddresseeKind.choices)

    def __init__(
        self, *args: Any, organisations: Any, questions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["question"].choices = [("", _("The whole round")), *questions]  # type: ignore[attr-defined]
        self.fields["addressee_country"].choices = country_choices()  # type: ignore[attr-defined]


def repeat_counts(survey: Survey, data: QueryDict, answers: dict[str, Any]) -> dict[str, int]:
    """How many entries of each repeat the page shows: as posted, else as saved."""
    counts = {}
    for repeat in survey.repeats():
        posted = data.get(f"count:{repeat['name']}", "")
        saved = len(answers.get(repeat["name"]) or [])
        counts[repeat["name"]] = min(int(posted), MAX_REPEATS) if posted.isdigit() else saved
    return counts


def answers_from_post(survey: Survey, data: QueryDict) -> dict[str, Any]:
    """The answers a posted answering form holds, by question name (field names from survey.Slot.key)."""
    counts = repeat_counts(survey, data, {})
    answers: dict[str, Any] = {}

    def read(node: dict[str, Any], key: str) -> Any:
        return data.getlist(key) if node["type"] == "select_multiple" else data.get(key, "")

    for node in survey.walk():
        if node["kind"] == "repeat":
            answers[node["name"]] = [
                {
                    child["name"]: read(child, f"q:{node['name']}:{i}:{child['name']}")
                    for child in survey.walk(node["children"])
                    if child["kind"] == "question"
                }
                for i in range(counts[node["name"]])
            ]
        elif node["kind"] == "question" and not node["repeat"]:
            answers[node["name"]] = read(node, f"q:{node['name']}")
    return answers
