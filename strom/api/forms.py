from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from strom.api.models import Scope

DEFAULT_DAYS = 90


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monthly statistics export”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text=_("Read lets the token fetch data; write lets it make changes. Give only what it needs."),
    )
    expires_at = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The token stops working at the start of this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        max_day = today + timedelta(days=settings.STROM_API_TOKEN_MAX_DAYS)
        self.fields["expires_at"].initial = today + timedelta(
            days=min(DEFAULT_DAYS, settings.STROM_API_TOKEN_MAX_DAYS)
        )
        self.fields["expires_at"].widget.attrs.update(
            {"min": (today + timedelta(days=1)).isoformat(), "max": max_day.isoformat()}
        )

    def clean_expires_at(self) -> datetime:
        day: date = self.cleaned_data["expires_at"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if day > today + timedelta(days=settings.STROM_API_TOKEN_MAX_DAYS):
            raise forms.ValidationError(
                ngettext(
                    "A token can be valid for at most %(days)d day.",
                    "A token can be valid for at most %(days)d days.",
                    settings.STROM_API_TOKEN_MAX_DAYS,
                )
                % {"days": settings.STROM_API_TOKEN_MAX_DAYS}
            )
        return timezone.make_aware(datetime.combine(day, time.min))
