"""The database itself refuses to change or remove audit entries.

- audit_auditentry: UPDATE and DELETE raise; TRUNCATE raises unless the session has set
  `strom.allow_audit_truncate = 'on'` (only the test suite does, to empty tables between
  transactional tests; docs/security-audit-and-encryption.md).
- audit_audithead: never deleted or truncated; inserted only empty (seq 0); updated only one link
  forward, to an entry that exists with that hash.

A role that owns the tables can still disable triggers: production runs the app as a role that does
not own them and has no UPDATE/DELETE/TRUNCATE grant on audit_auditentry (see the docs).
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION strom_audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION strom_audit_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('strom.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: TRUNCATE on % refused', TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION strom_audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit head cannot be deleted';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq <> 0 THEN
            RAISE EXCEPTION 'the audit head starts at 0';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NEW.hash = OLD.hash THEN
        RAISE EXCEPTION 'the audit head only moves forward one entry at a time';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_auditentry WHERE seq = NEW.seq AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'the audit head must point at an existing entry';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION strom_audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION strom_audit_no_truncate();
CREATE TRIGGER audit_head_forward_only
    BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION strom_audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate
    BEFORE TRUNCATE ON audit_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION strom_audit_no_truncate();

INSERT INTO audit_audithead (id, seq, hash) VALUES (1, 0, '') ON CONFLICT (id) DO NOTHING;
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_audithead;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS strom_audit_head_forward_only();
DROP FUNCTION IF EXISTS strom_audit_no_truncate();
DROP FUNCTION IF EXISTS strom_audit_entry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
