"""Forms to record a consent answer and to withdraw a consent. The services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.consent.models import HowRecorded, Purpose
from strom.core.countries import country_choices
from strom.core.datefields import TypedDateField
from strom.core.help import help_with_link
from strom.directory.models import with_country


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    # Typed, not picked: a picker sends nothing for 31.02. (strom/core/datefields.py).
    return TypedDateField(label=label, required=required, help_text=help_text)


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return with_country(obj.name, obj.country)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", _("Choose a purpose")), *Purpose.choices],
        help_text=help_with_link(
            _(
                "Consent covers one purpose (and, for a disclosure, one recipient). The person may refuse "
                "or withdraw it at any time without losing assistance; tell them so in a language they "
                "understand."
            ),
            "consent",
        ),
    )
    recipient_organisation = OrganisationChoiceField(
        label=_("Receiving organisation"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Required for disclosure: consent is given for one named organisation."),
    )
    recipient_country = forms.ChoiceField(
        label=_("Receiving country"),
        required=False,
        choices=lambda: [("", _("None")), *country_choices()],
        help_text=_("Required for a transfer to another country."),
    )
    given = forms.TypedChoiceField(
        label=_("The person's answer"),
        choices=[("yes", _("Consents")), ("no", _("Refuses"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        help_text=_("A refusal is recorded too, so nobody asks again without reason."),
    )
    given_at = _date(_("Date of the answer"), required=True)
    how = forms.ChoiceField(label=_("How it was recorded"), choices=[("", _("Choose")), *HowRecorded.choices])
    valid_until = _date(_("Valid until"), help_text=_("Leave empty if the consent has no end date."))
    case_only = forms.TypedChoiceField(
        label=_("Applies to"),
        choices=[("case", _("This case only")), ("person", _("All of this person's cases"))],
        coerce=lambda v: v == "case",
        initial="case",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisations: Any, child_case: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_at": timezone.localdate(), "case_only": "case"})
        super().__init__(*args, **kwargs)
        field = self.fields["recipient_organisation"]
        assert isinstance(field, OrganisationChoiceField)
        field.queryset = organisations
        if child_case:
            self.fields["how"].help_text = _(
                "This is a child's case: consent should be given by the guardian or representative."
            )


class WithdrawForm(forms.Form):
    withdrawn_at = _date(_("Withdrawn on"), required=True)
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. The person does not have to give a reason."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"withdrawn_at": timezone.localdate()})
        super().__init__(*args, **kwargs)
