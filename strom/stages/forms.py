"""Forms for the stage pages. They check shapes; the rules are in strom/stages/services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.cases.choices import Stage
from strom.core.countries import country_choices
from strom.core.datefields import TypedDateField
from strom.core.help import help_with_link
from strom.stages import clocks
from strom.stages.models import (
    ClosureReason,
    DecisionMaker,
    Outcome,
    PermitBasis,
    PermitDecision,
    ProceedingKind,
    ProceedingRole,
    ProceedingStatus,
    ReturnKind,
)


def _with_blank(choices: list[tuple[str, Any]], label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# What each decision means in law, said beside its outcome (strom/core/help.py links to the hub).
DECISION_HELP = {
    "reasonable_grounds": (
        _(
            "Reasonable grounds: there is reason to believe the person is a victim of trafficking; proof "
            "is not needed. Assistance starts with a positive decision and does not depend on the "
            "person's cooperation with an investigation (Directive 2011/36/EU, Art. 11)."
        ),
        "reasonable-grounds",
    ),
    "formal_identification": (
        _(
            "Formal identification: the competent body concludes that the person is a victim of "
            "trafficking. Record who decided (below) and the date of their decision."
        ),
        "identification",
    ),
}
REFLECTION_HELP = _(
    "At least 30 days (Council of Europe Convention, Art. 13; the country's rules may grant more) to "
    "recover and decide about cooperating with the authorities; the person may not be removed from the "
    "country meanwhile."
)


class DecisionForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    decided_at = TypedDateField(label=_("Date of the decision"), initial=timezone.localdate)
    decided_by_org_type = forms.ChoiceField(
        label=_("Who decided"),
        required=False,
        choices=_with_blank(list(DecisionMaker.choices), _("My organisation")),
        help_text=_("Choose another body (e.g. the police) when you record a decision it took."),
    )
    reason = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    start_reflection = forms.BooleanField(
        label=_("Start the reflection and recovery period now (positive decisions)"),
        required=False,
        initial=True,
        help_text=help_with_link(REFLECTION_HELP, "reflection-period"),
    )

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind in DECISION_HELP:
            text, topic = DECISION_HELP[kind]
            self.fields["outcome"].help_text = help_with_link(text, topic)


class StageChangeForm(VersionForm):
    to_stage = forms.ChoiceField(label=_("Move the case to"))
    reason = forms.CharField(
        label=_("Note on the move"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        required=False,
        choices=_with_blank(list(ClosureReason.choices), _("Choose…")),
    )
    closure_details = forms.CharField(
        label=_("Closure details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_close = forms.BooleanField(
        label=_("I have read what closing leaves running (above) and close the case all the same"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        targets: list[tuple[str, Any]],
        closing_warnings: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = targets  # type: ignore[attr-defined]
        # Asked only when there is something to confirm (strom/stages/closing.py).
        self.closing_warnings = closing_warnings or []
        if not self.closing_warnings:
            del self.fields["confirm_close"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        closing = data.get("to_stage") == Stage.CLOSED
        if closing and self.closing_warnings and not data.get("confirm_close"):
            self.add_error(
                "confirm_close", _("Read what closing leaves running and confirm that you close the case.")
            )
        return data


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extend by (days)"),
        help_text=help_with_link(
            _(
                "The period may be extended up to the longest the country's rules allow, for a reason "
                "recorded below (recovery not complete, a pending decision)."
            ),
            "reflection-period",
        ),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ReturnKind.choices)
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        choices=lambda: _with_blank(list(country_choices()), "—"),
    )
    risk_assessment_done = forms.BooleanField(label=_("Risk assessment done"), required=False)
    risk_assessment_on = TypedDateField(label=_("Date of the risk assessment"), required=False)
    planned_on = TypedDateField(label=_("Planned date"), required=False)


class PermitForm(forms.Form):
    basis = forms.MultipleChoiceField(
        label=_("Basis"), choices=PermitBasis.choices, widget=forms.CheckboxSelectMultiple
    )
    applied_on = TypedDateField(label=_("Applied"))
    decision = forms.ChoiceField(label=_("Decision"), choices=PermitDecision.choices)
    decided_on = TypedDateField(label=_("Decided"), required=False)
    valid_from = TypedDateField(label=_("Valid from"), required=False)
    # The permit's own words: in Polish a "dokument pobytowy" is "ważny do", a consent "ważna do".
    valid_until = TypedDateField(label=pgettext_lazy("residence permit", "Valid until"), required=False)


class RenewalForm(forms.Form):
    valid_from = TypedDateField(label=_("Valid from"))
    valid_until = TypedDateField(label=pgettext_lazy("residence permit", "Valid until"))


class ProceedingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProceedingKind.choices)
    role = forms.ChoiceField(label=_("The person's role"), choices=ProceedingRole.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ProceedingStatus.choices)
    authority = forms.CharField(
        label=_("Court or authority"),
        required=False,
        max_length=200,
        help_text=_("The institution, never a person's name."),
    )
    compensation_claimed = forms.BooleanField(label=_("Compensation claimed"), required=False)
    compensation_amount = forms.DecimalField(
        label=_("Amount claimed"), required=False, max_digits=12, decimal_places=2
    )
    compensation_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("e.g. EUR")
    )


class TaskForm(forms.Form):
    title_key = forms.ChoiceField(
        label=_("What is to be done"), choices=[(k, v) for k, v in clocks.MANUAL_TASK_TITLES.items()]
    )
    due_date = TypedDateField(label=_("Due"))
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("The case worker")), *assignees]  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = assignees  # type: ignore[attr-defined]


class DecisionRequestForm(forms.Form):
    addressed_to = forms.TypedChoiceField(label=_("Ask"), coerce=int)
    note = forms.CharField(
        label=_("Note for the one you ask (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What to look at, or by when it is needed. They see the case in STROM."),
    )

    def __init__(self, *args: Any, deciders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = deciders  # type: ignore[attr-defined]


class DeclineRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your colleague reads this and the request closes; they can ask again later."),
    )
