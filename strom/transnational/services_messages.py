"""Messages between instances: receiving (verify, then apply once, all or nothing) and delivering the
outbox (retries with backoff; a message is done only when the partner's signed receipt says so).

A refused message is logged (the application log and the audit log, with its reason code) and leaves
nothing else behind: the handlers validate before they write, and everything they write, the
message's id included, is in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import TRANSNATIONAL
from strom.audit.services import audit_record
from strom.cases.reads import case_audit_record
from strom.consent.models import Purpose
from strom.consent.selectors import consent_status
from strom.core.errors import NotAllowed
from strom.referrals.models import Section
from strom.transnational import access, linkage
from strom.transnational.envelope import (
    Opened,
    Refused,
    open_message,
    post_json,
    receipt_claims,
    recipient_kid,
    seal,
    sign_receipt,
    verify_receipt,
)
from strom.transnational.keys import jwks_thumbprints
from strom.transnational.models import (
    UNDONE_STATES,
    Change,
    Direction,
    Measure,
    OutboxMessage,
    OutboxState,
    Partner,
    PartnerState,
    PlanState,
    ReceivedMessage,
    ReturnPlan,
    State,
    TransnationalReferral,
)
from strom.transnational.services import return_plan_tasks, return_plan_tasks_cancel, trm_audit

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

logger = logging.getLogger("strom.transnational")

# Backoff between attempts: 15 s, 30 s, 1 min, ... at most an hour. A partner down for a week gets
# about 170 attempts, and its messages go as soon as it is back and the next attempt falls due.
FIRST_RETRY = dt.timedelta(seconds=15)
MAX_RETRY = dt.timedelta(hours=1)
BATCH = 50


@dataclass(frozen=True)
class Reception:
    status: int  # the HTTP status to answer
    code: str  # "received" or the reason for refusing
    receipt: str  # signed receipt, for a message received (or already received)


# --- receiving ---------------------------------------------------------------------------------------


def message_receive(token: str) -> Reception:
    """Verify and apply one message from a partner."""
    extra: dict[str, Any] = {}
    try:
        opened = open_message(token)
        with transaction.atomic():
            if opened.kind == "person.check":
                extra = {"answer": _person_check_answer(opened)}
                referral = None
            else:
                referral = _apply(opened)
            ReceivedMessage.objects.create(
                partner=opened.partner, message_id=opened.message_id, kind=opened.kind, referral=referral
            )
    except Refused as refused:
        return _refuse(refused, token)
    except IntegrityError:
        # Two deliveries of one id at the same moment: the other one applied it.
        return _refuse(Refused("replayed"), token)
    return Reception(200, "received", sign_receipt(opened.message_id, "received", extra))


def _refuse(refused: Refused, token: str) -> Reception:
    partner = refused.partner
    logger.warning(
        "transnational message refused: %s (partner %s)", refused.code, partner.pk if partner else "unknown"
    )
    audit_record(
        actor=TRANSNATIONAL,
        action="transnational.message_refused",
        object_type="partner",
        object_ref=partner.pk if partner else "",
        organisation_id=partner.organisation_id if partner else None,
        details={"code": refused.code},
    )
    if refused.code == "replayed":
        # The sender may be retrying a delivery whose answer it lost: tell it, signed, that we hold it.
        message_id = _replayed_id(token)
        receipt = sign_receipt(message_id, "replayed") if message_id else ""
        return Reception(409, refused.code, receipt)
    status = (
        403
        if refused.code in {"unknown_key", "bad_signature", "partner_suspended", "partner_not_confirmed"}
        else 400
    )
    return Reception(status, refused.code, "")


def _replayed_id(token: str) -> uuid.UUID | None:
    # Only reached after open_message verified the message, so decoding it again cannot fail on forgery.
    from joserfc import jwe, jws

    from strom.transnational.keys import instance_keys

    keys = instance_keys()
    try:
        signed = jwe.decrypt_compact(token, keys.encryption.keys[recipient_kid(token)]).plaintext or b""
        return uuid.UUID(json.loads(jws.extract_compact(signed).payload)["jti"])
    except (KeyError, ValueError, TypeError):
        return None


def _apply(opened: Opened) -> TransnationalReferral | None:
    handlers = {
        "partner.confirm": _on_confirm,
        "partner.keys": _on_keys,
        "referral.send": _on_referral,
        "referral.state": _on_state,
        "return_plan.propose": _on_plan_propose,
        "return_plan.agree": _on_plan_agree,
    }
    return handlers[opened.kind](opened)


def _on_confirm(opened: Opened) -> None:
    partner = Partner.objects.select_for_update().get(pk=opened.partner.pk)
    if partner.confirmed_at is None:
        partner.confirmed_at = timezone.now()
        if partner.state == PartnerState.AWAITING:
            partner.state = PartnerState.ACTIVE
        partner.save(update_fields=["confirmed_at", "state"])
        trm_audit(by=TRANSNATIONAL, action="transnational.partner_confirmed", partner=partner)


def _on_keys(opened: Opened) -> None:
    jwks = opened.body.get("jwks")
    if not isinstance(jwks, dict):
        raise Refused("malformed", opened.partner)
    signing, encryption = jwks_thumbprints(jwks, "sig"), jwks_thumbprints(jwks, "enc")
    if not signing or not encryption:
        raise Refused("malformed", opened.partner)
    partner = Partner.objects.select_for_update().get(pk=opened.partner.pk)
    partner.jwks = jwks
    partner.signing_thumbprint, partner.encryption_thumbprint = signing[0], encryption[0]
    partner.save(update_fields=["jwks", "signing_thumbprint", "encryption_thumbprint"])
    trm_audit(by=TRANSNATIONAL, action="transnational.partner_keys", partner=partner)


def _parse_referral(opened: Opened) -> dict[str, Any]:
    body = opened.body
    measures = body.get("measures")
    if not isinstance(measures, list) or not measures or set(measures) - set(Measure.values):
        raise Refused("unknown_measure", opened.partner)
    found = body.get("consent")
    consent: dict[str, Any] = found if isinstance(found, dict) else {}
    try:
        given_on = dt.date.fromisoformat(str(consent.get("given_on", "")))
    except ValueError:
        raise Refused("no_consent", opened.partner) from None
    if consent.get("country") != opened.partner.organisation.country:
        raise Refused("no_consent", opened.partner)
    scope = body.get("scope")
    sections = body.get("sections")
    if not isinstance(scope, list) or set(scope) - set(Section.values) or not isinstance(sections, list):
        raise Refused("malformed", opened.partner)
    # Only the sections the scope names are kept, whatever else the message carries.
    kept = [s for s in sections if isinstance(s, dict) and s.get("key") in scope]
    try:
        ref = uuid.UUID(str(body.get("referral", "")))
    except ValueError:
        raise Refused("malformed", opened.partner) from None
    return {"uuid": ref, "measures": measures, "scope": scope, "sections": kept, "given_on": given_on}


def _on_referral(opened: Opened) -> TransnationalReferral:
    parsed = _parse_referral(opened)
    if TransnationalReferral.objects.filter(uuid=parsed["uuid"], direction=Direction.INCOMING).exists():
        raise Refused("duplicate_referral", opened.partner)
    now = timezone.now()
    referral = TransnationalReferral.objects.create(
        uuid=parsed["uuid"],
        direction=Direction.INCOMING,
        partner=opened.partner,
        organisation=opened.partner.organisation,
        measures=parsed["measures"],
        scope=parsed["scope"],
        content=json.dumps(parsed["sections"]),
        message=str(opened.body.get("message", ""))[:5000],
        consent_given_on=parsed["given_on"],
        sender_name=str(opened.body.get("sender", ""))[:200],
        state=State.DELIVERED,
        delivered_at=now,
    )
    Change.objects.create(referral=referral, state=State.DELIVERED, at=now, remote=True)
    trm_audit(
        by=TRANSNATIONAL,
        action="transnational.receive",
        referral=referral,
        partner=opened.partner,
        details={"measures": parsed["measures"], "scope": parsed["scope"]},
    )
    return referral


def _referral_of(opened: Opened) -> TransnationalReferral:
    try:
        ref = uuid.UUID(str(opened.body.get("referral", "")))
        return (
            TransnationalReferral.objects.select_for_update(of=("self",))
            .select_related("case", "partner")
            .get(uuid=ref, partner=opened.partner)
        )
    except (ValueError, TransnationalReferral.DoesNotExist, TransnationalReferral.MultipleObjectsReturned):
        raise Refused("unknown_referral", opened.partner) from None


# Which states the partner may tell us of, from which state of ours: the receiver answers our
# outgoing referrals and completes them; the sender withdraws its own.
_REMOTE_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Direction.OUTGOING, State.ACCEPTED): frozenset({State.QUEUED, State.DELIVERED}),
    (Direction.OUTGOING, State.DECLINED): frozenset({State.QUEUED, State.DELIVERED}),
    (Direction.OUTGOING, State.COMPLETED): frozenset({State.ACCEPTED}),
    (Direction.INCOMING, State.WITHDRAWN): frozenset({State.DELIVERED, State.ACCEPTED}),
}
# Messages that crossed on the way: the referral had already ended here when the other side changed
# it. The change is recorded in the history (and the message received, so it is not sent again and
# again), but the state stays as it ended here.
_CROSSED: dict[tuple[str, str], frozenset[str]] = {
    (Direction.OUTGOING, State.ACCEPTED): frozenset({State.WITHDRAWN}),
    (Direction.OUTGOING, State.DECLINED): frozenset({State.WITHDRAWN}),
    (Direction.OUTGOING, State.COMPLETED): frozenset({State.WITHDRAWN}),
    (Direction.INCOMING, State.WITHDRAWN): frozenset({State.DECLINED, State.COMPLETED}),
}
# What the partner may write along with each state, and where it is kept.
_STATE_TEXT: dict[str, str] = {
    State.DECLINED: "decline_reason",
    State.WITHDRAWN: "withdraw_reason",
    State.COMPLETED: "completion_note",
}


def _on_state(opened: Opened) -> TransnationalReferral:
    referral = _referral_of(opened)
    state = str(opened.body.get("state", ""))
    key = (referral.direction, state)
    now = timezone.now()
    if referral.state in _CROSSED.get(key, frozenset()):
        Change.objects.create(referral=referral, state=state, at=now, remote=True)
        trm_audit(
            by=TRANSNATIONAL,
            action=f"transnational.partner_{state}",
            referral=referral,
            partner=opened.partner,
            details={"crossed": referral.state},
        )
        return referral
    allowed = _REMOTE_TRANSITIONS.get(key)
    if allowed is None or referral.state not in allowed:
        raise Refused("bad_transition", opened.partner)
    referral.state = state
    fields = ["state"]
    if state in (State.ACCEPTED, State.DECLINED):
        referral.answered_at = now
        fields.append("answered_at")
    if state in _STATE_TEXT:
        text = "reason" if state != State.COMPLETED else "note"
        setattr(referral, _STATE_TEXT[state], str(opened.body.get(text, ""))[:2000])
        referral.closed_at = now
        fields += [_STATE_TEXT[state], "closed_at"]
    referral.save(update_fields=fields)
    Change.objects.create(referral=referral, state=state, at=now, remote=True)
    if state in UNDONE_STATES:
        return_plan_tasks_cancel(referral)
    trm_audit(
        by=TRANSNATIONAL, action=f"transnational.partner_{state}", referral=referral, partner=opened.partner
    )
    return referral


def _on_plan_propose(opened: Opened) -> TransnationalReferral:
    referral = _referral_of(opened)
    body = opened.body
    try:
        handover_on = dt.date.fromisoformat(str(body.get("handover_on", "")))
        follow_up_raw = str(body.get("follow_up_on", "") or "")
        follow_up_on = dt.date.fromisoformat(follow_up_raw) if follow_up_raw else None
        version = int(body.get("version", 0))
    except (ValueError, TypeError):
        raise Refused("malformed", opened.partner) from None
    receiving = str(body.get("receiving_organisation", "")).strip()[:200]
    if (
        referral.state != State.ACCEPTED
        or Measure.RETURN not in referral.measures
        or not receiving
        or version < 1
    ):
        raise Refused("bad_transition", opened.partner)
    terms = {
        "handover_on": handover_on,
        "receiving_organisation": receiving,
        "follow_up": str(body.get("follow_up", ""))[:5000],
        "follow_up_on": follow_up_on,
        "state": PlanState.PROPOSED,
        "proposed_remotely": True,
        "agreed_at": None,
        "version": version,
    }
    plan = ReturnPlan.objects.select_for_update().filter(referral=referral).first()
    if plan is None:
        ReturnPlan.objects.create(referral=referral, **terms)
    else:
        for name, value in terms.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(terms))
    Change.objects.create(referral=referral, state="plan_proposed", at=timezone.now(), remote=True)
    trm_audit(
        by=TRANSNATIONAL,
        action="transnational.return_plan_received",
        referral=referral,
        partner=opened.partner,
    )
    return referral


def _on_plan_agree(opened: Opened) -> TransnationalReferral:
    referral = _referral_of(opened)
    plan = ReturnPlan.objects.select_for_update().filter(referral=referral).first()
    version = opened.body.get("version")
    if plan is None or plan.proposed_remotely or plan.state != PlanState.PROPOSED or plan.version != version:
        raise Refused("bad_transition", opened.partner)
    plan.state, plan.agreed_at = PlanState.AGREED, timezone.now()
    plan.save(update_fields=["state", "agreed_at"])
    Change.objects.create(referral=referral, state="plan_agreed", at=timezone.now(), remote=True)
    return_plan_tasks(referral, plan)
    trm_audit(
        by=TRANSNATIONAL, action="transnational.return_plan_agreed", referral=referral, partner=opened.partner
    )
    return referral


# --- "does the partner already hold this person?" ------------------------------------------------------

# A partner may ask this many times a day: enough for real work, few for probing names one by one.
CHECKS_PER_DAY = 200


def _person_check_answer(opened: Opened) -> bool:
    """Yes if any person held here matches the keyed encoding; nothing about which or how well."""
    from strom.cases.models import Person

    since = timezone.now() - dt.timedelta(days=1)
    asked = ReceivedMessage.objects.filter(
        partner=opened.partner, kind="person.check", received_at__gte=since
    )
    if asked.count() >= CHECKS_PER_DAY:
        raise Refused("too_many_checks", opened.partner)
    try:
        query = linkage.Encoding.from_json(opened.body.get("encoding") or {})
        key = linkage.shared_key(opened.partner)
        linkage.unbalance(query.bloom, key)  # not balanced under our shared key: refused
    except (ValueError, TypeError, AttributeError):
        raise Refused("malformed", opened.partner) from None
    found = False
    # Every person held here, decrypted in memory only; the loop does not stop early, so the time
    # taken does not tell where (or whether) a match was found.
    for person in Person.objects.only("given_name", "family_name", "other_names", "birth_date").iterator(
        2000
    ):
        year = int(person.birth_date[:4]) if person.birth_date[:4].isdigit() else None
        found = linkage.matches(query, person.all_names(), year, key) or found
    audit_record(
        actor=TRANSNATIONAL,
        action="transnational.person_check_answered",
        object_type="partner",
        object_ref=opened.partner.pk,
        organisation_id=opened.partner.organisation_id,
    )
    return found


def person_check(*, by: User, case: Case, partner: Partner) -> bool:
    """Ask the partner whether it holds the case's person, sending only keyed encodings of the names
    and birth year. Needs the person's consent to a transfer to the partner's country, like a referral.
    Synchronous: the answer comes in the partner's signed receipt."""
    if not access.may_send_from(by, case):
        raise NotAllowed(_("You may not ask partners about this case."))
    if not partner.is_active or partner.organisation_id != case.organisation_id:
        raise ValidationError({"partner": _("This partner instance is not active for your organisation.")})
    if not consent_status(case, Purpose.CROSS_BORDER, partner.country).given:
        raise ValidationError(
            {
                "partner": _(
                    "The person's consent to a transfer of their data to this country is not recorded."
                )
            }
        )
    person = case.person
    year = int(person.birth_date[:4]) if person.birth_date[:4].isdigit() else None
    encoding = linkage.encode(person.all_names(), year, linkage.shared_key(partner))
    message_id = uuid.uuid4()
    token = seal(
        partner=partner, kind="person.check", message_id=message_id, body={"encoding": encoding.to_json()}
    )
    try:
        answer = post_json(f"{partner.url}/messages", {"token": token})
    except OSError as exc:
        raise ValidationError(
            _("The partner instance could not be reached: %(error)s") % {"error": exc}
        ) from exc
    claims = receipt_claims(partner, str(answer.data.get("receipt", "")), message_id)
    if claims is None or not isinstance(claims.get("answer"), bool):
        raise ValidationError(
            _("The partner instance did not answer (%(code)s).")
            % {"code": answer.data.get("code", answer.status)}
        )
    case_audit_record(by=by, case=case, action="transnational.person_check", details={"partner": partner.pk})
    return bool(claims["answer"])


# --- delivering the outbox ---------------------------------------------------------------------------


def _backoff(attempts: int) -> dt.timedelta:
    delay: dt.timedelta = FIRST_RETRY * (2 ** min(max(0, attempts - 1), 20))
    return min(delay, MAX_RETRY)


def outbox_deliver(*, now: dt.datetime | None = None, limit: int = BATCH) -> tuple[int, int]:
    """Try every message due; returns (delivered, failed). Rows are claimed with SKIP LOCKED, so
    several workers never send one message at once; a message is sent until a receipt confirms it."""
    delivered = failed = 0
    tried: list[int] = []  # each message at most once a round, however far `now` is
    for _attempt_number in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("partner", "referral")
                .filter(state=OutboxState.PENDING, next_attempt_at__lte=now or timezone.now())
                .exclude(partner__state=PartnerState.SUSPENDED)
                .exclude(pk__in=tried)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if message is None:
                break
            tried.append(message.pk)
            if _attempt(message):
                delivered += 1
            else:
                failed += 1
    if delivered or failed:
        logger.info("transnational outbox: %s delivered, %s to retry", delivered, failed)
    return delivered, failed


def _attempt(message: OutboxMessage) -> bool:
    partner = message.partner
    token = seal(
        partner=partner,
        kind=message.kind,
        message_id=message.message_id,
        body=json.loads(message.body),
        sign_with=message.sign_with,
    )
    error = ""
    try:
        answer = post_json(f"{partner.url}/messages", {"token": token})
    except OSError as exc:
        error = f"not reachable: {exc.__class__.__name__}"
    else:
        receipt = str(answer.data.get("receipt", ""))
        status = verify_receipt(partner, receipt, message.message_id) if receipt else ""
        if status in ("received", "replayed"):
            _delivered(message, receipt)
            return True
        error = f"HTTP {answer.status}: {str(answer.data.get('code', ''))[:60] or 'no signed receipt'}"
    message.attempts += 1
    message.last_error = error[:300]
    message.next_attempt_at = timezone.now() + _backoff(message.attempts)
    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    return False


def _delivered(message: OutboxMessage, receipt: str) -> None:
    now = timezone.now()
    message.state, message.delivered_at, message.receipt = OutboxState.DELIVERED, now, receipt
    message.attempts += 1
    message.last_error = ""
    message.save(update_fields=["state", "delivered_at", "receipt", "attempts", "last_error"])
    referral = message.referral
    if message.kind == "referral.send" and referral is not None:
        locked = (
            TransnationalReferral.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=referral.pk)
        )
        if locked.state == State.QUEUED:
            locked.state, locked.delivered_at = State.DELIVERED, now
            locked.save(update_fields=["state", "delivered_at"])
            Change.objects.create(referral=locked, state=State.DELIVERED, at=now, remote=True)
        trm_audit(
            by=TRANSNATIONAL, action="transnational.delivered", referral=locked, partner=message.partner
        )
