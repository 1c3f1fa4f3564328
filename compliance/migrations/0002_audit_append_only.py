"""The database keeps the audit log append-only.

- INSERT: rows arrive unsealed (chain columns NULL) and `txid` is forced to the writing
  transaction, so a writer can neither forge a chain link nor jump the sealing order.
- DELETE: refused.
- UPDATE: refused, except the one-time sealing of an unsealed row that sets chain_position,
  prev_hash and hash and leaves every other column unchanged (compared as a whole row minus the
  chain columns, so a column added later is protected without touching this trigger).
- TRUNCATE is deliberately not blocked: pytest-django flushes tables with TRUNCATE between
  transactional tests. TRUNCATE (like disabling triggers) needs table ownership, which the
  application's database role must not have in production: run the app as a non-owner role and
  migrate with the owner (docs/deployment.md).
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION compliance_auditentry_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.chain_position IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
            RAISE EXCEPTION 'audit log: entries are inserted unsealed; only the sealer sets chain_position, prev_hash and hash'
                USING ERRCODE = 'restrict_violation';
        END IF;
        NEW.txid := txid_current();
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit log is append-only: DELETE of audit entry % is not allowed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.hash IS NULL
        AND NEW.chain_position IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
        AND (to_jsonb(NEW) - 'chain_position' - 'prev_hash' - 'hash')
            IS NOT DISTINCT FROM (to_jsonb(OLD) - 'chain_position' - 'prev_hash' - 'hash')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: UPDATE of audit entry % is not allowed (only sealing an unsealed entry may set chain_position, prev_hash and hash)', OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER compliance_auditentry_append_only
    BEFORE INSERT OR UPDATE OR DELETE ON compliance_auditentry
    FOR EACH ROW EXECUTE FUNCTION compliance_auditentry_guard();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS compliance_auditentry_append_only ON compliance_auditentry;
DROP FUNCTION IF EXISTS compliance_auditentry_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=REVERSE),
    ]
