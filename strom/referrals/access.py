"""Who may see and act on referrals, and what a receiver may see of the referred case.

The receiving organisation never reaches a referred case through the case pages or API:
`strom.cases.access.cases_visible_to` knows nothing of referrals, so every case route answers 404 to
a receiver. The receiver sees the case only through the referral's own pages and API, and only the
sections `receiver_scope` returns. That is computed on every request from the live state, so
withdrawing the referral or the consent it rests on removes access at once.

Sender side: whoever may see the case sees its referrals; members of the sending organisation who
hold case.view also see the referrals it sent after a transfer took the case away.
Receiver side: members of the receiving organisation who hold referral.respond, once it is sent.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Q

from strom.cases import access as case_access
from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.referrals.models import Referral, ReferralQuerySet


def _as_sender(user: User) -> Q:
    from strom.cases.models import Case

    return Q(case__in=Case.objects.visible_to(user)) | Q(
        from_organisation_id__in=user.org_ids_with(Perm.CASE_VIEW)
    )


def _as_receiver(user: User) -> Q:
    return Q(to_organisation_id__in=user.org_ids_with(Perm.REFERRAL_RESPOND)) & ~Q(state="draft")


def referrals_visible_to(user: User, qs: ReferralQuerySet) -> ReferralQuerySet:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(_as_sender(user) | _as_receiver(user))


def sent_visible_to(user: User, qs: ReferralQuerySet) -> ReferralQuerySet:
    """The referrals `user` sees from the sending side (their outbox)."""
    return referrals_visible_to(user, qs).filter(_as_sender(user))


def sent_of_case(user: User, case: Case) -> ReferralQuerySet:
    """`sent_visible_to(user, ...).filter(case=case)` for a case read through `get_case_for`: whoever
    may see a case sees every referral made of it from the sending side, so after the rule is asked
    of the case row (`may_see_case`) its referrals are read by the case's id alone."""
    from strom.referrals.models import Referral

    if not case_access.may_see_case(user, case):
        return Referral.objects.none()
    return Referral.objects.filter(case_id=case.pk)


def received_visible_to(user: User, qs: ReferralQuerySet) -> ReferralQuerySet:
    """The referrals `user` sees as a receiver (their inbox): sent to an organisation where they respond."""
    return referrals_visible_to(user, qs).filter(_as_receiver(user))


def get_referral_for(user: User, referral_uuid: object) -> Referral:
    from strom.referrals.models import Referral

    try:
        key = uuid.UUID(str(referral_uuid))
        return (
            Referral.objects.visible_to(user)
            .select_related(
                "case", "case__person", "from_organisation", "to_organisation", "service", "municipality"
            )
            .get(uuid=key)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None


def check_referral_pages(user: User) -> None:
    """The referral pages exist for those who send, receive or see cases; for everyone else, 404."""
    if not (
        user.has_any(Perm.REFERRAL_SEND)
        or user.has_any(Perm.REFERRAL_RESPOND)
        or user.has_any(Perm.CASE_VIEW)
    ):
        raise NotAllowed


def is_sender(user: User, referral: Referral) -> bool:
    """Sees the referral from the sending side (and the case itself, while it is still theirs)."""
    return user.has_perm_in(Perm.CASE_VIEW, referral.from_organisation_id) or (
        referral.case.owner_id == user.pk
        and user.has_perm_in(Perm.CASE_CREATE, referral.case.organisation_id)
    )


def is_receiver(user: User, referral: Referral) -> bool:
    return referral.state != "draft" and user.has_perm_in(Perm.REFERRAL_RESPOND, referral.to_organisation_id)


def may_send_from(user: User, case: Case) -> bool:
    """Make, send and withdraw referrals of a case (the rule is `cases.access.can_refer`)."""
    return case_access.can_refer(user, case)


def may_override(user: User, case: Case) -> bool:
    return user.has_perm_in(Perm.REFERRAL_OVERRIDE, case.organisation_id)


def may_manage(user: User, referral: Referral) -> bool:
    """Edit the draft, send it, withdraw it: the sending side, while the case is still theirs."""
    return referral.case.organisation_id == referral.from_organisation_id and may_send_from(
        user, referral.case
    )


def may_respond(user: User, referral: Referral) -> bool:
    return is_receiver(user, referral)


def basis_holds(referral: Referral) -> bool:
    """The legal basis is checked live: a withdrawn or expired consent ends the receiver's access."""
    from strom.consent.selectors import consent_status
    from strom.referrals.models import Basis

    if referral.basis == Basis.OVERRIDE:
        return True
    if referral.basis != Basis.CONSENT:
        return False
    if not consent_status(referral.case, "disclosure", referral.to_organisation_id).given:
        return False
    if referral.is_cross_border:
        return consent_status(referral.case, "cross_border", referral.to_organisation.country).given
    return True


def receiver_scope(user: User, referral: Referral) -> frozenset[str]:
    """The sections of the case this user may see as a receiver now; empty for everyone else.

    Empty once the referral is declined, completed, withdrawn or expired, or when its basis no longer
    holds. A transfer needs no scope after acceptance: the case then belongs to the receiver.
    """
    from strom.referrals.models import LIVE_STATES

    if not is_receiver(user, referral) or referral.state not in LIVE_STATES:
        return frozenset()
    if referral.case.organisation_id == referral.to_organisation_id:  # a transfer that went through
        return frozenset()
    if referral.case.anonymised_at is not None or not basis_holds(referral):
        return frozenset()
    return frozenset(referral.scope)


def get_received_for(user: User, referral_uuid: object, section: str) -> tuple[Referral, frozenset[str]]:
    """A referral the user receives, with `section` in scope now, or 404 (a document download)."""
    referral = get_referral_for(user, referral_uuid)
    scope = receiver_scope(user, referral)
    if section not in scope:
        raise NotAllowed
    return referral, scope
