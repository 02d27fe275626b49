"""Logging in and out, the second factor, passwords, profile, invitations and user management.

Views parse input, call one service and render; rules live in services.py and access.py.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts import services
from strom.accounts import session as keys
from strom.accounts.access import get_invitation_for, get_membership_for, get_user_for
from strom.accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    LoginForm,
    MembershipRoleForm,
    NewPasswordForm,
    OtpForm,
    OtpSetupForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    ProfileForm,
    UserFilterForm,
)
from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import Membership, User
from strom.accounts.selectors import (
    grantable_roles,
    has_two_factor,
    invitation_by_token,
    memberships_breaking_org_types,
    open_invitations_visible_to,
    visible_memberships,
)
from strom.accounts.selectors import (
    user_list as select_users,
)
from strom.audit.services import audit_read
from strom.core.forms import form_saved
from strom.core.htmx import is_htmx_partial, render_htmx
from strom.core.middleware import client_ip
from strom.core.roles import Perm, Role, may_hold

LOGOUT_MESSAGES = {
    "idle": ngettext_lazy(
        "You were logged out after %(minutes)s minute without activity.",
        "You were logged out after %(minutes)s minutes without activity.",
        "minutes",
    ),
    "absolute": gettext_lazy(
        "You were logged out because your session reached its maximum length. Please log in again."
    ),
    "revoked": gettext_lazy(
        "Your session ended because your password or your account changed. Please log in again."
    ),
}


def _apply_errors(form: Form, exc: ValidationError, default_field: str | None = None) -> None:
    """Attach a service's ValidationError to the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


def _password_errors(form: Form, exc: ValidationError) -> None:
    """A refused password is said next to the new password."""
    _apply_errors(form, exc, "password1")


# --- login and logout ----------------------------------------------------------------------------


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this for a request made against a locked account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _welcome(user: User, url: str) -> HttpResponse:
    """Redirect after a completed login, in the language the user chose last time (on any device)."""
    response = HttpResponseRedirect(url)
    if user.language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax" in settings
        )
    return response


def _after_password(request: HttpRequest, user: User, next_url: str | None) -> HttpResponse:
    wants_second_factor = user.requires_two_factor or has_two_factor(user)
    login(request, user, backend="strom.accounts.backends.ModelBackend")
    keys.session_started(request, second_factor=wants_second_factor)
    if wants_second_factor:
        if next_url:
            request.session[keys.NEXT] = next_url
        return redirect("accounts:two_factor_verify")
    services.login_succeeded(user=user, two_factor=False)
    return _welcome(user, next_url or reverse("core:dashboard"))


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = keys.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(next_url or reverse("core:dashboard"))
    reason = request.session.pop(keys.LOGOUT_REASON, "")
    notice = (
        LOGOUT_MESSAGES[reason] % {"minutes": int(settings.STROM_IDLE_TIMEOUT.total_seconds() // 60)}
        if reason in LOGOUT_MESSAGES
        else ""
    )
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        if keys.ip_throttled(ip):
            services.login_throttled_ip()
            form.is_valid()  # bound and cleaned, so the error below can be added
            form.add_error(
                None, _("Too many failed log-ins from your network. Wait 15 minutes and try again.")
            )
            status = 429
        elif form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            # By the USERNAME_FIELD's name, so django-axes finds the address in the failure signal.
            user = authenticate(request=request, email=email, password=form.cleaned_data["password"])
            if isinstance(user, User):
                return _after_password(request, user, next_url)
            keys.ip_failure(ip)
            if getattr(request, "axes_locked_out", False):
                services.login_locked_out(email=email)
                return locked_out(request)
            services.login_failed(email=email)
            form.add_error(None, _("The e-mail address or the password is not correct."))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url or "", "notice": notice},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        services.logged_out(user=user)
    logout(request)
    return redirect("accounts:login")


# --- second factor -------------------------------------------------------------------------------


def _finish_second_factor(request: HttpRequest, user: User) -> HttpResponse:
    services.login_succeeded(user=user, two_factor=True)
    next_url = keys.safe_next(request, request.session.pop(keys.NEXT, None))
    return _welcome(user, next_url or reverse("core:dashboard"))


def _axes_credentials(email: str) -> dict[str, str]:
    field: str = getattr(settings, "AXES_USERNAME_FORM_FIELD", User.USERNAME_FIELD)
    return {field: email}


def _lock_if_needed(request: HttpRequest, user: User) -> HttpResponse | None:
    """Wrong codes count towards the same lockout as wrong passwords."""
    if AxesProxyHandler.is_locked(request, _axes_credentials(user.email)) or getattr(
        request, "axes_locked_out", False
    ):
        services.login_locked_out(email=user.email)
        logout(request)
        return locked_out(request)
    return None


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse("core:dashboard"))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:two_factor_setup")
    if (locked := _lock_if_needed(request, user)) is not None:
        return locked
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result, device = services.two_factor_check(user=user, token=form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            if result is services.OtpResult.RECOVERY_CODE:
                remaining = StaticToken.objects.filter(device__user=user).count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. %(count)s is left; make new ones on your profile page.",
                        "You used a recovery code. %(count)s are left; make new ones on your profile page.",
                        remaining,
                    )
                    % {"count": remaining},
                )
            return _finish_second_factor(request, user)
        if result is services.OtpResult.THROTTLED:
            form.add_error("otp_token", _("Too many wrong codes in a row. Wait a minute and try again."))
        else:
            keys.ip_failure(client_ip(request))
            services.login_failed(email=user.email, step="second_factor")
            user_login_failed.send(
                sender=__name__, credentials=_axes_credentials(user.email), request=request
            )
            if (locked := _lock_if_needed(request, user)) is not None:
                return locked
            form.add_error(
                "otp_token", _("That code is not valid. Check the time on your phone and try again.")
            )
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _qr_svg(uri: str) -> str:
    # Inline SVG without style attributes: the CSP forbids inline style; CSS sizes it (.qr svg).
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=1, border=4, omitsize=True, light="#fff", title=_("QR code for your authenticator app")
    )
    return svg


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:profile" if user.is_verified() else "accounts:two_factor_verify")  # type: ignore[attr-defined]
    device = services.totp_device_start(user=user)
    form = OtpSetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["otp_token"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc, "otp_token")
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session["strom_recovery_codes"] = codes
            services.login_succeeded(user=user, two_factor=True)
            return redirect("accounts:recovery_codes")
    secret = b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        # Groups of four are easier to type from the screen.
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET shows codes made a moment ago, once. POST makes new ones (the old ones stop working)."""
    user = request.user
    if not user.is_verified():  # type: ignore[attr-defined]
        raise Http404
    if request.method == "POST":
        try:
            request.session["strom_recovery_codes"] = services.recovery_codes_regenerate(user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:profile")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop("strom_recovery_codes", None)
    if not codes:
        return redirect("accounts:profile")
    next_url = keys.safe_next(request, request.session.pop(keys.NEXT, None)) or reverse("core:dashboard")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


# --- profile and passwords -----------------------------------------------------------------------


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"full_name": user.full_name, "language": user.language},
    )
    saved = form_saved(
        request,
        form,
        lambda: services.user_update_profile(by=user, **form.cleaned_data),
        then="accounts:profile",
        done=_("Your profile was saved."),
        errors=_apply_errors,
    )
    if saved:
        return saved
    context = {
        "form": form,
        "memberships": user.active_memberships(),
        "has_two_factor": has_two_factor(user),
        "recovery_codes_left": StaticToken.objects.filter(device__user=user).count(),
        "verified": user.is_verified(),  # type: ignore[attr-defined]
    }
    return render(request, "accounts/profile.html", context)


@sensitive_post_parameters("old_password", "password1", "password2")
@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=user)

    def save() -> None:
        services.password_change(user=user, password=form.cleaned_data["password1"])
        update_session_auth_hash(request, user)
        keys.session_renewed(request)

    saved = form_saved(
        request,
        form,
        save,
        then="accounts:profile",
        done=_("Your password was changed. Your other sessions have ended."),
        errors=_password_errors,
    )
    return saved or render(request, "accounts/password_change.html", {"form": form})


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        # The same answer whether or not the address has an account.
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


def _user_from_reset_link(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        return None
    return user if default_token_generator.check_token(user, token) else None


@sensitive_post_parameters("password1", "password2")
@never_cache
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    # The token is checked on every request (a used token no longer matches: the password hash changed).
    # Unlike Django's view it stays in the URL; the page sends no Referer (same-origin policy) and
    # loads nothing from elsewhere.
    user = _user_from_reset_link(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_confirm.html", {"invalid": True}, status=404)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    saved = form_saved(
        request,
        form,
        lambda: services.password_reset_complete(user=user, password=form.cleaned_data["password1"]),
        then="accounts:password_reset_complete",
        errors=_password_errors,
    )
    return saved or render(request, "accounts/password_reset_confirm.html", {"form": form})


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")


# --- invitations ---------------------------------------------------------------------------------


def _require_manager(user: User) -> None:
    if not user.has_any(Perm.ORG_USERS_MANAGE):
        raise Http404


@login_required
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_manager(user)
    invitations = list(open_invitations_visible_to(user).order_by("organisation__name", "email"))
    if invitations:
        # The addresses invitations went to are personal data, like a colleague's record.
        audit_read(
            actor=user,
            object_type="invitation",
            object_ref="",
            organisation_id=None,
            details={"list": "invitations", "ids": [i.pk for i in invitations]},
        )
    return render(request, "accounts/invitation_list.html", {"invitations": invitations})


@login_required
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_manager(user)
    form = InvitationForm(request.POST if request.method == "POST" else None, actor=user)
    saved = form_saved(
        request,
        form,
        lambda: services.invitation_create(by=user, **form.cleaned_data),
        then="accounts:invitation_list",
        done=_("The invitation was sent."),
        errors=_apply_errors,
    )
    return saved or render(
        request, "accounts/invitation_form.html", {"form": form, "days": settings.STROM_INVITATION_DAYS}
    )


@require_POST
@login_required
def invitation_revoke(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    user = request.user
    invitation = get_invitation_for(user, invitation_id)
    try:
        services.invitation_revoke(by=user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("accounts:invitation_list")


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None or not invitation.is_open:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user
    context: dict[str, Any] = {"invitation": invitation, "role": Role(invitation.role).label}
    if isinstance(user, User) and user.is_authenticated:
        if user.email != invitation.email:
            return render(request, "accounts/invitation_invalid.html", {"other_account": True}, status=404)
        if request.method == "POST":
            try:
                services.invitation_accept_existing(user=user, invitation=invitation)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("You now work in %(org)s in STROM.") % {"org": invitation.organisation.name}
                )
                return redirect("core:dashboard")
        return render(request, "accounts/invitation_accept.html", {**context, "existing": True})
    if User.objects.filter(email=invitation.email).exists():
        # The account exists: log in first, then accept.
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.invitation_accept_new_user(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            # Logged in by the password just set; the second factor is enrolled next.
            return _after_password(request, new_user, None)
    return render(request, "accounts/invitation_accept.html", {**context, "form": form})


# --- user management -----------------------------------------------------------------------------


def _audit_user_list(actor: User, ids: list[int]) -> None:
    """One read per page of colleagues shown, as for one colleague's record (user.view)."""
    if ids:
        audit_read(
            actor=actor,
            object_type="user",
            object_ref="",
            organisation_id=None,
            details={"list": "users", "ids": ids},
        )


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    if not actor.has_any(Perm.ORG_USERS_VIEW):
        raise Http404
    form = UserFilterForm(request.GET or None, actor=actor)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        org = data.get("organisation")
        filters = {
            "organisation_id": org.pk if org else None,
            "role": data.get("role") or "",
            "active": {"yes": True, "no": False}.get(data.get("active") or ""),
            "name": data.get("name") or "",
        }
    users = select_users(actor, **filters).order_by("email")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    _audit_user_list(actor, [u.pk for u in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_invite": actor.has_any(Perm.ORG_USERS_MANAGE),
        "may_see_breaches": actor.has_global(Perm.SYSTEM_MANAGE),
    }
    return render(request, "accounts/user_list.html", context)


@login_required
def memberships_breaking_rule(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For system admins: memberships whose role their organisation's type may not hold. Listed, never
    removed: whoever manages each one changes the role or deactivates the membership."""
    actor = request.user
    if not actor.has_global(Perm.SYSTEM_MANAGE):
        raise Http404
    page = Paginator(memberships_breaking_org_types(), 50).get_page(request.GET.get("page"))
    # Colleagues are shown by name: recorded like a page of the user list.
    _audit_user_list(actor, sorted({m.user_id for m in page.object_list}))
    rows = [
        {
            "membership": m,
            "allowed": [r.label for r in Role if may_hold(m.organisation.org_type, r)],
        }
        for m in page.object_list
    ]
    return render(request, "accounts/memberships_breaking_rule.html", {"page": page, "rows": rows})


@login_required
def user_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    actor = request.user
    if not actor.has_any(Perm.ORG_USERS_VIEW):
        raise Http404
    target = get_user_for(actor, user_id)
    services.user_record_view(by=actor, user=target)
    memberships = []
    for m in visible_memberships(actor).filter(user=target):
        grantable = grantable_roles(actor, m.organisation_id)
        may_manage = target.pk != actor.pk and m.role in grantable
        role_form = MembershipRoleForm(
            actor=actor, organisation=m.organisation, initial={"role": m.role}, prefix=f"m{m.pk}"
        )
        memberships.append(
            {
                "membership": m,
                "may_manage": may_manage,
                "role_form": role_form,
                "breaks_rule": m.is_active and not may_hold(m.organisation.org_type, m.role),
            }
        )
    may_manage_any = any(item["may_manage"] for item in memberships)
    context = {
        "target": target,
        "memberships": memberships,
        "may_manage_any": may_manage_any,
        "has_two_factor": has_two_factor(target),
        "locked": AxesProxyHandler.is_locked(request, _axes_credentials(target.email)),
    }
    return render(request, "accounts/user_detail.html", context)


def _user_action(request: AuthenticatedHttpRequest, user_id: int, action: str) -> HttpResponse:
    actor = request.user
    target = get_user_for(actor, user_id, write=True)
    try:
        if action == "deactivate":
            services.user_set_active(by=actor, user=target, active=False)
            messages.success(request, _("The account was deactivated. Its sessions have ended."))
        elif action == "reactivate":
            services.user_set_active(by=actor, user=target, active=True)
            messages.success(request, _("The account was reactivated."))
        elif action == "unlock":
            services.user_unlock(by=actor, user=target)
            messages.success(request, _("The account was unlocked."))
        elif action == "reset_two_factor":
            services.two_factor_reset(by=actor, user=target)
            messages.success(
                request, _("Two-factor authentication was reset. They set it up again at their next log-in.")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", user_id=target.pk)


@require_POST
@login_required
def user_deactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _user_action(request, user_id, "deactivate")


@require_POST
@login_required
def user_reactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _user_action(request, user_id, "reactivate")


@require_POST
@login_required
def user_unlock(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _user_action(request, user_id, "unlock")


@require_POST
@login_required
def user_reset_two_factor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _user_action(request, user_id, "reset_two_factor")


def _membership_action(request: AuthenticatedHttpRequest, membership_id: int, action: str) -> HttpResponse:
    actor = request.user
    membership: Membership = get_membership_for(actor, membership_id, write=True)
    try:
        if action == "role":
            form = MembershipRoleForm(
                request.POST,
                actor=actor,
                organisation=membership.organisation,
                prefix=f"m{membership.pk}",
            )
            if not form.is_valid():
                # A role the organisation's type cannot have says why; anything else is no role at all.
                posted = form.data.get(form.add_prefix("role"))
                if posted in Role.values:
                    raise ValidationError(list(form.errors["role"]))
                raise ValidationError(_("Choose one of the roles you may grant."))
            services.membership_change_role(by=actor, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("The role was changed."))
        else:
            services.membership_set_active(by=actor, membership=membership, active=action == "reactivate")
            messages.success(
                request,
                _("The membership was reactivated.")
                if action == "reactivate"
                else _("The membership was deactivated."),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", user_id=membership.user_id)


@require_POST
@login_required
def membership_change_role(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    return _membership_action(request, membership_id, "role")


@require_POST
@login_required
def membership_deactivate(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    return _membership_action(request, membership_id, "deactivate")


@require_POST
@login_required
def membership_reactivate(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    return _membership_action(request, membership_id, "reactivate")


# --- the notifications centre ---------------------------------------------------------------------------


def _notifications_context(user: User) -> dict[str, Any]:
    from strom.accounts.selectors import notifications_latest, notifications_unread_count

    return {"notifications": notifications_latest(user), "unread": notifications_unread_count(user)}


@login_required
@require_GET
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own notifications, newest first. Nobody sees another's; nothing in them is personal."""
    context = _notifications_context(request.user)
    return render_htmx(request, "accounts/notifications.html", "accounts/_notifications.html", context)


@login_required
@require_GET
def notifications_badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's link with the count of unread notifications, loaded after the page (htmx), so no
    page pays for the count before it is drawn."""
    from strom.accounts.selectors import notifications_unread_count

    context = {"unread": notifications_unread_count(request.user)}
    return render(request, "accounts/_notifications_badge.html", context)


def _after_marking(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_htmx_partial(request):
        context = {**_notifications_context(request.user), "oob_badge": True}
        return render(request, "accounts/_notifications.html", context)
    return redirect("accounts:notifications")


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    from strom.accounts.services_notifications import notification_mark_read

    notification_mark_read(user_id=request.user.pk, notification_id=notification_id)
    if request.POST.get("open"):
        # "Open" marks the message read and follows its link: the user's own, and only within STROM.
        from strom.accounts.selectors import notification_url

        url = notification_url(request.user, notification_id)
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            return redirect(url)
    return _after_marking(request)


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    from strom.accounts.services_notifications import notifications_mark_all_read

    notifications_mark_all_read(user_id=request.user.pk)
    return _after_marking(request)
