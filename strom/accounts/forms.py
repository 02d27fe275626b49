from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import User
from strom.accounts.selectors import organisations_managed_by, organisations_viewable_by, roles_offered
from strom.core.roles import Role, check_may_hold
from strom.directory.models import Organisation


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class OtpSetupForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("Enter the 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _language_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_("As chosen in the browser"))),
        *((code, str(name)) for code, name in settings.LANGUAGES),
    ]


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices, required=False)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class NewPasswordForm(forms.Form):
    """Two entries of a new password; the validators run in the service, which knows the user."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validation.password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class PasswordChangeForm(NewPasswordForm):
    field_order = ["old_password", "password1", "password2"]
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password was entered incorrectly."))
        return value


class AcceptInvitationForm(NewPasswordForm):
    field_order = ["full_name", "password1", "password2"]
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )


class RoleField(forms.ChoiceField):
    """Offers some roles but takes any role, so that a forged choice reaches the check that says why
    it is refused (the organisation's type, or what the actor may grant) instead of "not a valid choice"."""

    def valid_value(self, value: Any) -> bool:
        return value in Role.values


def _role_choices(roles: set[Role] | frozenset[Role]) -> list[tuple[str, str]]:
    return [(r.value, str(r.label)) for r in Role if r in roles]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), help_text=_("The person's work address."))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = RoleField(
        label=_("Role"),
        help_text=_("Only roles the organisation's type can have are accepted (see the list below)."),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = list(organisations_managed_by(actor))
        self.fields["organisation"].queryset = organisations_managed_by(actor)  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["organisation"].initial = orgs[0].pk
        # Per type of organisation, for the page to say which roles each can be given.
        by_type = {org.org_type: roles_offered(actor, org) for org in orgs}
        type_labels = {org.org_type: org.get_org_type_display() for org in orgs}
        self.roles_by_type = [
            (type_labels[org_type], [label for _value, label in _role_choices(roles)])
            for org_type, roles in sorted(by_type.items())
        ]
        offered: set[Role] = set().union(*by_type.values())
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = _role_choices(offered)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, role = data.get("organisation"), data.get("role")
        if organisation is not None and role:
            try:
                check_may_hold(organisation.org_type, role)
            except forms.ValidationError as exc:
                self.add_error("role", exc.message_dict["role"])
        return data


class MembershipRoleForm(forms.Form):
    role = RoleField(label=_("Role"))

    def __init__(self, *args: Any, actor: User, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = _role_choices(roles_offered(actor, organisation))

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        try:
            check_may_hold(self.organisation.org_type, role)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["role"]) from None
        return role


class UserFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        required=False,
        help_text=_("The exact full name; accents and word order do not matter."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("All")
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_viewable_by(actor)  # type: ignore[attr-defined]
