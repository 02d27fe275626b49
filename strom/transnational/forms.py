"""Forms for partners, sending a transnational referral, answering it and its return plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.core.countries import country_choices
from strom.directory.models import Organisation
from strom.referrals.models import Section
from strom.transnational.models import Measure, Partner
from strom.transnational.services import TRANSNATIONAL_SECTIONS


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    url = forms.URLField(
        assume_scheme="https",
        label=_("Address of its transnational API"),
        max_length=300,
        help_text=_("For example https://strom.example.lt/api/v1/transnational"),
    )
    signing_thumbprint = forms.CharField(
        label=_("Signing key fingerprint"),
        max_length=64,
        help_text=_("Exchanged with the partner out of band."),
    )
    encryption_thumbprint = forms.CharField(
        label=_("Encryption key fingerprint"),
        max_length=64,
        help_text=_("Exchanged with the partner out of band."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Our focal point for this partner"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(
            services__trm_focal_point=True, services__is_active=True
        ).distinct()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note for the partner's focal point. Write nothing the referral did not share."),
    )


class SendForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner instance"), queryset=Partner.objects.none())
    measures = forms.MultipleChoiceField(
        label=_("Measures"), choices=Measure.choices, widget=forms.CheckboxSelectMultiple
    )
    scope = forms.MultipleChoiceField(
        label=_("What the partner may see"),
        choices=[(k, v) for k, v in Section.choices if k in TRANSNATIONAL_SECTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Only these parts of the case are sent. Documents (files) never travel between instances."
        ),
    )
    message = forms.CharField(
        label=_("Message to the partner's focal point"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write nothing here that the chosen parts do not already share."),
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Partner.objects.filter(organisation_id=organisation_id, state="active")


class AcceptForm(forms.Form):
    open_case = forms.BooleanField(label=_("Open a case in this instance from what was sent"), required=False)


class ReturnPlanForm(forms.Form):
    handover_on = forms.DateField(label=_("Handover date"), widget=forms.DateInput(attrs={"type": "date"}))
    receiving_organisation = forms.CharField(label=_("Receiving organisation"), max_length=200)
    follow_up = forms.CharField(
        label=_("Follow-up agreed"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_on = forms.DateField(
        label=_("First follow-up contact"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AgreeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=1_000_000)
