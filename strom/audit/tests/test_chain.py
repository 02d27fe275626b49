"""The audit chain: append-only in the database, and `strom audit verify` names the first problem."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from strom.audit.models import AuditEntry, AuditHead
from strom.audit.services import audit_read, audit_record, entry_hash
from strom.core.context import Origin, origin

pytestmark = pytest.mark.django_db


def _chain(n: int) -> list[AuditEntry]:
    return [
        audit_record(actor=None, action="test.write", object_type="thing", object_ref=i) for i in range(n)
    ]


def _tamper(*statements: str) -> None:
    """Change audit rows behind the triggers' back, as someone with the database's superuser would."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SET LOCAL session_replication_role = origin")


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", "--chunk-size", "2", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(str(exc.code)), err.getvalue().strip()
    return 0, out.getvalue().strip()


def _refused(statement: str, params: list[str] | None = None) -> None:
    with (
        pytest.raises(DatabaseError, match=r"append-only|audit head"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


def test_entries_link_each_to_the_previous_one_and_move_the_head() -> None:
    first, second = _chain(2)
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (2, second.hash)


def test_hash_is_the_same_after_the_database_normalised_the_entry() -> None:
    # PostgreSQL rewrites IPv6 addresses and time zones; the HMAC must not depend on the spelling.
    with origin(Origin(channel="web", ip="2001:0db8:0000:0000:0000:0000:0000:0001", request_id="abc")):
        entry = audit_record(
            actor=None, action="test.write", reason="  checking  ", details={"b": 1, "a": [1, 2]}
        )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.ip == "2001:db8::1"
    assert entry_hash(stored) == entry.hash == stored.hash
    assert stored.reason == "checking"
    assert stored.channel == "web"


def test_audit_read_records_who_looked_at_what_and_why(cast: object) -> None:
    user = cast.users["caseworker_a"]  # type: ignore[attr-defined]
    with origin(Origin(channel="api", ip="192.0.2.7", request_id="r1")):
        entry = audit_read(
            actor=user, object_type="person", object_ref="P-7", organisation_id=3, reason="referral"
        )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.object_type, stored.object_ref) == ("person.view", "person", "P-7")
    assert (stored.actor_id, stored.actor_label, stored.organisation_id) == (user.pk, user.email, 3)
    assert (stored.channel, stored.ip, stored.reason) == ("api", "192.0.2.7", "referral")


def test_the_app_connection_cannot_update_or_delete_audit_entries() -> None:
    _chain(2)
    _refused("UPDATE audit_auditentry SET action = 'nothing' WHERE seq = 1")
    _refused("DELETE FROM audit_auditentry WHERE seq = 2")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=1).delete()
    assert AuditEntry.objects.count() == 2


def test_truncate_is_refused_unless_the_session_allows_it_for_tests() -> None:
    _chain(1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL strom.allow_audit_truncate = 'off'")
        _refused("TRUNCATE audit_auditentry")
        _refused("TRUNCATE audit_audithead")
    assert AuditEntry.objects.count() == 1


def test_the_head_only_moves_forward_one_entry_at_a_time() -> None:
    entries = _chain(3)
    _refused("DELETE FROM audit_audithead")
    _refused("UPDATE audit_audithead SET seq = 2, hash = %s", [entries[1].hash])
    _refused("UPDATE audit_audithead SET seq = 5, hash = 'x'")
    # One step forward, but to an entry that does not exist.
    _refused("UPDATE audit_audithead SET seq = 4, hash = 'y'")
    assert AuditHead.objects.get().seq == 3


def test_verify_reports_an_intact_chain() -> None:
    entries = _chain(5)
    code, message = _verify()
    assert code == 0
    assert message.startswith("Audit chain intact: 5 entries, last #5 at ")
    assert entries[-1].hash in message


def test_verify_reports_an_empty_chain_as_intact() -> None:
    assert _verify() == (0, "Audit chain intact: no entries yet\nNo audit checkpoints yet.")


def test_verify_names_a_modified_entry() -> None:
    _chain(5)
    _tamper("UPDATE audit_auditentry SET object_ref = '99' WHERE seq = 3")
    assert _verify() == (1, "Entry #3 was modified")


def test_verify_names_an_entry_whose_stored_hash_was_replaced() -> None:
    _chain(5)
    _tamper("UPDATE audit_auditentry SET hash = repeat('a', 64) WHERE seq = 2")
    assert _verify() == (1, "Entry #2 was modified")


def test_verify_names_a_deleted_entry() -> None:
    _chain(5)
    _tamper("DELETE FROM audit_auditentry WHERE seq = 3")
    assert _verify() == (1, "Entry #3 is missing (deleted)")


def test_verify_names_the_first_entry_when_it_was_deleted() -> None:
    _chain(3)
    _tamper("DELETE FROM audit_auditentry WHERE seq = 1")
    assert _verify() == (1, "Entry #1 is missing (deleted)")


def test_verify_names_reordered_entries() -> None:
    _chain(5)
    _tamper(
        "UPDATE audit_auditentry SET seq = -3 WHERE seq = 3",
        "UPDATE audit_auditentry SET seq = 3 WHERE seq = 4",
        "UPDATE audit_auditentry SET seq = 4 WHERE seq = -3",
    )
    assert _verify() == (1, "Entries #3/#4 are out of order (reordered)")


def test_verify_names_entries_deleted_from_the_end() -> None:
    _chain(5)
    _tamper("DELETE FROM audit_auditentry WHERE seq > 3")
    assert _verify() == (1, "Entries after #3 were deleted (head says #5)")


def test_verify_notices_entries_that_bypassed_the_head() -> None:
    _chain(3)
    _tamper("UPDATE audit_audithead SET seq = 2, hash = (SELECT hash FROM audit_auditentry WHERE seq = 2)")
    assert _verify() == (1, "Entries after #2 are not recorded in the head")


@pytest.mark.django_db(transaction=True)
def test_a_read_on_its_own_commits_without_waiting_for_the_disk_and_only_itself() -> None:
    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    entries = []
    with CaptureQueriesContext(connection) as queries:
        entries.append(audit_read(actor=None, object_type="thing", object_ref=1, organisation_id=None))
    assert any("synchronous_commit TO OFF" in q["sql"] for q in queries.captured_queries)
    assert setting() == "on"  # SET LOCAL ended with the read's own transaction
    entries.append(audit_record(actor=None, action="test.write", object_type="thing", object_ref=2))
    with transaction.atomic():
        # Inside a caller's transaction the read takes part in it and changes nothing about its commit.
        with CaptureQueriesContext(connection) as queries:
            entries.append(audit_read(actor=None, object_type="thing", object_ref=3, organisation_id=None))
        assert not any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
    assert [e.seq for e in AuditEntry.objects.order_by("seq")] == [e.seq for e in entries]
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_read_on_its_own_is_one_lock_and_one_statement_and_links_like_any_entry() -> None:
    audit_record(actor=None, action="test.write", object_type="thing", object_ref=0)
    with (
        origin(Origin(channel="api", ip="2001:0db8::0001", request_id="r2")),
        CaptureQueriesContext(connection) as queries,
    ):
        first = audit_read(
            actor=None, object_type="thing", object_ref=1, organisation_id=4, details={"refs": ["C-1"]}
        )
        second = audit_read(
            actor=None, object_type="thing", object_ref=2, organisation_id=None, reason=" why "
        )
    # Per read: the transaction, its commit setting and the head's lock; then the entry, the head's
    # advance and the commit.
    assert len(queries.captured_queries) == 4
    assert all(q["sql"].startswith(("BEGIN;", "WITH e AS")) for q in queries.captured_queries)
    stored = {e.seq: e for e in AuditEntry.objects.order_by("seq")}
    assert [first.seq, second.seq] == [2, 3]
    assert (stored[2].pk, stored[3].pk) == (first.pk, second.pk)
    assert stored[2].hash == first.hash == entry_hash(stored[2])
    assert stored[3].prev_hash == first.hash
    assert stored[2].details == {"refs": ["C-1"]}
    assert (stored[2].ip, stored[2].organisation_id) == ("2001:db8::1", 4)
    assert stored[3].reason == "why"
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (3, second.hash)
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_leaves_no_transaction_open_and_no_entry() -> None:
    audit_record(actor=None, action="test.write", object_type="thing", object_ref=0)
    with pytest.raises(TypeError):
        audit_read(actor=None, object_type="thing", object_ref=1, organisation_id=None, details={"x": {1j}})
    with connection.cursor() as cursor:
        # Outside a transaction the transaction's time is this statement's.
        cursor.execute("SELECT now() = statement_timestamp()")
        assert cursor.fetchone()[0] is True
    after = audit_read(actor=None, object_type="thing", object_ref=2, organisation_id=None)
    assert after.seq == 2
    assert AuditHead.objects.get().seq == 2
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_read_the_database_refuses_is_rolled_back_and_the_connection_stays_usable() -> None:
    _chain(2)
    with transaction.atomic():
        # The head set back by someone with the superuser: the next entry's number is taken.
        _tamper(
            "UPDATE audit_audithead SET seq = 1, hash = (SELECT hash FROM audit_auditentry WHERE seq = 1)"
        )
    with pytest.raises(IntegrityError):
        audit_read(actor=None, object_type="thing", object_ref=1, organisation_id=None)
    assert AuditHead.objects.get().seq == 1
    assert AuditEntry.objects.count() == 2
