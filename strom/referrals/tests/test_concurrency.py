"""Two people acting on one referral at the same moment: neither change may be lost.

The sender and the receiver each work in their own thread with their own database connection, from a
copy of the referral read before either acted. The receiver's transaction holds the row lock while
the sender's withdrawal is made to wait on it (the test sees it waiting in pg_locks), so the
interleaving is the same on every run: accept (locked, not yet committed) → withdraw waits → accept
commits → withdraw goes on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from strom.referrals.models import Referral, ReferralChange, State
from strom.referrals.services import referral_accept, referral_withdraw
from strom.referrals.tests.factories import make_referral
from tests.personas import Cast

WAIT = 20.0  # seconds; a deadlock or a missing lock fails the test instead of hanging it


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # pg_locks covers the whole server: count only waits in this test's database.
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.01)


class Worker(threading.Thread):
    """Runs `action` in its own thread (so its own connection) and keeps what it raised."""

    def __init__(self, action: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.action = action
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.action()
        except BaseException as exc:  # reported by the test thread
            self.error = exc
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_withdrawal_waiting_on_an_acceptance_keeps_both_changes(cast: Cast) -> None:
    referral = make_referral(cast)
    sender, receiver = cast.users["caseworker_a"], cast.users["recipient"]
    # Both copies are read before anyone acts: each writer's object is stale once the other commits.
    senders_copy = Referral.objects.select_related("case", "to_organisation").get(pk=referral.pk)
    receivers_copy = Referral.objects.select_related("case", "to_organisation").get(pk=referral.pk)

    accepted = threading.Event()
    may_commit = threading.Event()

    def accept() -> None:
        with transaction.atomic():
            referral_accept(by=receiver, referral=receivers_copy)
            accepted.set()  # the row is locked by this open transaction
            if not may_commit.wait(WAIT):
                raise TimeoutError("the withdrawal never reached the lock")

    def withdraw() -> None:
        referral_withdraw(by=sender, referral=senders_copy, reason="The person moved away.")

    accepting, withdrawing = Worker(accept), Worker(withdraw)
    accepting.start()
    _wait_until(accepted.is_set, "the acceptance holds the lock")
    withdrawing.start()
    _wait_until(lambda: _waiting_for_a_lock() > 0, "the withdrawal waits for the lock")
    may_commit.set()
    accepting.join(WAIT)
    withdrawing.join(WAIT)
    assert not accepting.is_alive()
    assert not withdrawing.is_alive()
    assert accepting.error is None, accepting.error
    assert withdrawing.error is None, withdrawing.error

    stored = Referral.objects.get(pk=referral.pk)
    # The withdrawal, which came last ...
    assert stored.state == State.WITHDRAWN
    assert stored.withdrawn_by_id == sender.pk
    assert stored.withdrawal_reason == "The person moved away."
    # ... did not erase the acceptance it waited for.
    assert stored.responded_by_id == receiver.pk
    assert stored.handled_by_id == receiver.pk
    assert stored.responded_at is not None
    assert stored.version == 4  # made, sent, accepted, withdrawn: each change counted once
    assert list(ReferralChange.objects.filter(referral=stored).values_list("state", flat=True)) == [
        State.DRAFT,
        State.SENT,
        State.ACCEPTED,
        State.WITHDRAWN,
    ]
    # The sender's object now shows the row as stored, acceptance included.
    assert senders_copy.responded_by_id == receiver.pk
    assert senders_copy.state == State.WITHDRAWN


@pytest.mark.django_db(transaction=True)
def test_an_answer_waiting_on_a_withdrawal_is_refused_and_changes_nothing(cast: Cast) -> None:
    referral = make_referral(cast)
    sender, receiver = cast.users["caseworker_a"], cast.users["recipient"]
    senders_copy = Referral.objects.get(pk=referral.pk)
    receivers_copy = Referral.objects.get(pk=referral.pk)

    withdrawn = threading.Event()
    may_commit = threading.Event()

    def withdraw() -> None:
        with transaction.atomic():
            referral_withdraw(by=sender, referral=senders_copy, reason="")
            withdrawn.set()
            if not may_commit.wait(WAIT):
                raise TimeoutError("the acceptance never reached the lock")

    def accept() -> None:
        referral_accept(by=receiver, referral=receivers_copy)

    withdrawing, accepting = Worker(withdraw), Worker(accept)
    withdrawing.start()
    _wait_until(withdrawn.is_set, "the withdrawal holds the lock")
    accepting.start()
    _wait_until(lambda: _waiting_for_a_lock() > 0, "the acceptance waits for the lock")
    may_commit.set()
    withdrawing.join(WAIT)
    accepting.join(WAIT)
    assert withdrawing.error is None, withdrawing.error
    # The receiver's copy still said "sent"; the locked row said "withdrawn", and that decides.
    assert accepting.error is not None
    assert "is withdrawn" in " ".join(getattr(accepting.error, "messages", [str(accepting.error)]))

    stored = Referral.objects.get(pk=referral.pk)
    assert stored.state == State.WITHDRAWN
    assert stored.responded_by_id is None
    assert stored.handled_by_id is None
    assert stored.version == 3
