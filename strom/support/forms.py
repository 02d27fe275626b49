"""Forms for needs, the plan, reviews and services. Forms check shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.core.datefields import TypedDateField
from strom.directory.models import Organisation, with_country
from strom.support.choices import Priority, ServiceStatus, ServiceType
from strom.support.currencies import DEFAULT_CURRENCY, currency_choices
from strom.support.models import NeedsAssessment, Service, SupportPlan


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    # Typed, not picked: a picker sends nothing for 31.02. (strom/core/datefields.py).
    return TypedDateField(label=label, required=required, help_text=help_text)


def _text(label: Any, *, help_text: Any = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def need_field_name(service_type: str) -> str:
    return f"need_{service_type}"


class NeedsAssessmentForm(forms.Form):
    assessed_at = _date(_("Assessed on"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assessed_at": timezone.localdate()})
        super().__init__(*args, **kwargs)
        choices = [("", _("Not a need now")), *Priority.choices]
        for value, label in ServiceType.choices:
            self.fields[need_field_name(value)] = forms.ChoiceField(
                label=_("Need: %(type)s") % {"type": label}, choices=choices, required=False
            )
        self.fields["summary"] = _text(
            _("Summary"), help_text=_("What the person told you they need, in their words where possible.")
        )
        self.fields["next_review_at"] = _date(_("Next review"))

    def needs(self) -> dict[str, str]:
        return {
            value: self.cleaned_data[need_field_name(value)]
            for value in ServiceType.values
            if self.cleaned_data.get(need_field_name(value))
        }

    @staticmethod
    def initial_from(assessment: NeedsAssessment | None) -> dict[str, Any]:
        """Start a new assessment from the last one, so a worker changes what changed."""
        initial: dict[str, Any] = {"assessed_at": timezone.localdate()}
        if assessment is not None:
            for need in assessment.needs.all():
                initial[need_field_name(need.service_type)] = need.priority
        return initial


class SupportPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    start_date = _date(_("Start date"), required=True)
    objectives = _text(_("Objectives"), help_text=_("What the plan should achieve, agreed with the person."))
    action_plan = _text(_("Action plan"), help_text=_("The steps, who takes them and by when."), rows=8)
    planned_end_date = _date(_("Planned end date"))
    actual_end_date = _date(_("Actual end date"), help_text=_("Only when the plan has ended."))
    next_review_due = _date(
        _("Next review due"),
        help_text=_("Left empty on a new plan: the country's review period from the start."),
    )

    @staticmethod
    def initial_from(plan: SupportPlan | None) -> dict[str, Any]:
        if plan is None:
            return {"version": 0, "start_date": timezone.localdate()}
        return {
            "version": plan.version,
            "start_date": plan.start_date,
            "objectives": plan.objectives,
            "action_plan": plan.action_plan,
            "planned_end_date": plan.planned_end_date,
            "actual_end_date": plan.actual_end_date,
            "next_review_due": plan.next_review_due,
        }


class PlanReviewForm(forms.Form):
    reviewed_at = _date(_("Reviewed on"), required=True)
    summary = _text(_("Summary"), help_text=_("What was achieved, what changes, what the person said."))
    next_review_due = _date(
        _("Next review due"), help_text=_("Left empty: the country's review period from this review.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reviewed_at": timezone.localdate()})
        super().__init__(*args, **kwargs)


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return with_country(obj.name, obj.country)


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Choose a type")), *ServiceType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in ServiceStatus.choices if v != ServiceStatus.CANCELLED],
    )
    provider_organisation = OrganisationChoiceField(
        label=_("Provider from the directory"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    provider_name = forms.CharField(
        label=_("Other provider"),
        required=False,
        max_length=200,
        help_text=_("A service or business outside the directory. Never a private person's name."),
    )
    planned_start = _date(_("Planned start"))
    planned_end = _date(_("Planned end"))
    actual_start = _date(_("Actual start"))
    actual_end = _date(_("Actual end"))
    cost = forms.DecimalField(label=_("Cost"), required=False, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices, initial=DEFAULT_CURRENCY)
    notes = _text(_("Notes"))

    def __init__(self, *args: Any, organisations: Any, service: Service | None = None, **kwargs: Any) -> None:
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    "service_type": service.service_type,
                    "status": service.status,
                    "provider_organisation": service.provider_organisation_id,
                    "provider_name": service.provider_name,
                    "planned_start": service.planned_start,
                    "planned_end": service.planned_end,
                    "actual_start": service.actual_start,
                    "actual_end": service.actual_end,
                    "cost": service.cost,
                    "currency": service.currency,
                    "notes": service.notes,
                },
            )
        super().__init__(*args, **kwargs)
        field = self.fields["provider_organisation"]
        assert isinstance(field, OrganisationChoiceField)
        field.queryset = organisations
        if service is not None:
            # The type says what the service is; a different type is a different service.
            self.fields["service_type"].disabled = True


class ServiceCancelForm(forms.Form):
    reason = _text(_("Reason for cancelling"), rows=3)


class NotNeededForm(forms.Form):
    reason = _text(_("Why it is not needed"), rows=3)
