"""Forms for referrals. They collect choices; strom.referrals.services checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.help import help_with_link
from strom.directory.models import Municipality, Organisation, with_country
from strom.referrals.models import Section, Urgency


class MunicipalityField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return with_country(obj.name, obj.country)


class OrganisationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        if obj.municipality_id:
            return f"{obj.name} ({obj.municipality.name})"
        return with_country(obj.name, obj.country)


_SCOPE_HELP = _(
    "Share only what the receiver needs for this service. Documents, notes and perpetrators need the "
    "person's consent to disclosure to this organisation."
)


class ReferralForm(forms.Form):
    case_ref = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        help_text=_("The reference on the case page, such as LV-RIX-7K3F9."),
    )
    to_organisation = OrganisationField(
        label=_("Receiving organisation"), queryset=Organisation.objects.none()
    )
    municipality = MunicipalityField(
        label=_("Where the person will use the service"),
        queryset=Municipality.objects.order_by("country", "name"),
        required=False,
        empty_label=_("The case's municipality"),
    )
    scope = forms.MultipleChoiceField(
        label=_("What the receiver may see"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_with_link(_SCOPE_HELP, "referral-scope"),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.URGENT, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the receiver"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the receiver must know to act. Do not write anything the scope leaves out."),
    )
    override = forms.BooleanField(
        label=_("Refer without the person's consent"),
        required=False,
        help_text=_("Only where the referral cannot wait: a danger to life or health, a child at risk."),
    )
    override_reason = forms.CharField(
        label=_("Why the referral cannot wait for consent"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        ask_case: bool,
        transfer: bool,
        may_override: bool,
        organisations: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not ask_case:
            del self.fields["case_ref"]
        if transfer:
            del self.fields["scope"]
            field = self.fields["to_organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organisations
            self.fields["municipality"].help_text = _(
                "The municipality where the receiving organisation will handle the case."
            )
        else:
            del self.fields["to_organisation"]
        if not may_override:
            del self.fields["override"]
            del self.fields["override_reason"]


class DraftForm(forms.Form):
    municipality = ReferralForm.base_fields["municipality"]
    scope = ReferralForm.base_fields["scope"]
    urgency = ReferralForm.base_fields["urgency"]
    message = ReferralForm.base_fields["message"]
    version = forms.IntegerField(widget=forms.HiddenInput)


class SendForm(forms.Form):
    override = ReferralForm.base_fields["override"]
    override_reason = ReferralForm.base_fields["override_reason"]

    def __init__(self, *args: Any, may_override: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override"]
            del self.fields["override_reason"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, required: bool = False, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if label:
            self.fields["reason"].label = label


class CompleteForm(forms.Form):
    delivered_until = forms.DateField(
        label=_("Service delivered until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(
        label=_("Note for the sender"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What was done. It is kept with the referral; do not add details the sender did not share."
        ),
    )
