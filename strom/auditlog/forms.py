"""Filters for browsing the audit log, shared by the page and the API so both validate the same way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import User
from strom.audit.actions import action_choices, object_type_choices
from strom.auditlog.selectors import AuditFilters
from strom.core.roles import Perm
from strom.directory.models import Organisation

PEOPLE_PICK_LIST_MAX = 300


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("First day"),
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Last day")
    )
    actor = forms.CharField(label=_("Who (e-mail address)"), max_length=254, required=False)
    # Pick-lists in words that still accept any stored code (an action retired since, or the API's).
    action = forms.CharField(label=_("Action"), max_length=64, required=False, widget=forms.Select)
    object_type = forms.CharField(label=_("Object type"), max_length=64, required=False, widget=forms.Select)
    object_ref = forms.CharField(label=_("Object reference"), max_length=64, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pick_list("action", str(_("All actions")), action_choices())
        self._pick_list("object_type", str(_("All kinds")), object_type_choices())
        self._people(user)
        if user.has_global(Perm.AUDIT_VIEW_ALL):
            orgs = Organisation.objects.all()
        else:
            orgs = Organisation.objects.filter(pk__in=user.org_ids_with(Perm.AUDIT_VIEW_ORG))
        self.fields["organisation"].queryset = orgs.order_by("name")  # type: ignore[attr-defined]
        if not user.has_global(Perm.AUDIT_VIEW_ALL) and len(user.org_ids_with(Perm.AUDIT_VIEW_ORG)) < 2:
            # An admin of one organisation sees only it: nothing to choose.
            del self.fields["organisation"]

    def _people(self, user: User) -> None:
        """Who acted, as a pick-list of the colleagues the viewer sees, by name; typed when too many."""
        people = User.visible.visible_to(user).order_by("email")[: PEOPLE_PICK_LIST_MAX + 1]
        if len(people) > PEOPLE_PICK_LIST_MAX:
            return
        choices = sorted(((u.email, u.get_full_name()) for u in people), key=lambda c: c[1].casefold())
        field = self.fields["actor"]
        field.label = _("Who")
        field.widget = forms.Select()
        self._pick_list("actor", str(_("Everyone")), choices)

    def _pick_list(self, name: str, everything: str, choices: list[tuple[str, str]]) -> None:
        chosen = str(self.data.get(name) or "").strip() if self.is_bound else ""
        known = {code for code, _label in choices}
        extra = [(chosen, chosen)] if chosen and chosen not in known else []
        self.fields[name].widget.choices = [("", everything), *choices, *extra]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The last day must be on or after the first day."))
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        organisation = data.get("organisation")
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            object_type=(data.get("object_type") or "").strip(),
            object_ref=(data.get("object_ref") or "").strip(),
            organisation_id=organisation.pk if organisation is not None else None,
        )
