"""The ledger's database guarantees.

- `ledger_post_entries(entries jsonb, now timestamptz)`: posts a batch of entries in one round
  trip. It first locks every balance row the batch touches in (account, shard) order (so
  concurrent batches cannot deadlock), then for each entry, inside its own subtransaction, applies
  the per-account deltas with conditional updates that enforce the account flags (frozen,
  debits_must_not_exceed_credits, credits_must_not_exceed_debits) and inserts the entry and its
  postings. A refused entry reports `code:account` and leaves nothing behind; the others stand.
  Sharded (hot) accounts are posted to one shard per call, chosen from the first entry's id.
- A deferred constraint trigger refuses to commit any entry whose postings do not sum to zero per
  currency, whoever wrote them.
- Entries and postings are immutable: UPDATE and DELETE raise.
"""

from django.db import migrations

POST_ENTRIES = r"""
CREATE OR REPLACE FUNCTION ledger_post_entries(p_entries jsonb, p_now timestamptz)
RETURNS TABLE (idx integer, error text)
LANGUAGE plpgsql AS $$
DECLARE
  v_seed integer := hashtext(p_entries -> 0 ->> 'id') & 2147483647;
  v_entry jsonb;
  v_i integer := 0;
  v_delta record;
  v_account record;
  v_updated integer;
BEGIN
  PERFORM 1
  FROM wallets_accountbalance b
  JOIN wallets_ledgeraccount a ON a.id = b.account_id
  WHERE b.account_id IN (
          SELECT DISTINCT p ->> 'account'
          FROM jsonb_array_elements(p_entries) e, jsonb_array_elements(e -> 'postings') p)
    AND b.shard = v_seed % a.shard_count
  ORDER BY b.account_id, b.shard
  FOR UPDATE OF b;

  FOR v_entry IN SELECT value FROM jsonb_array_elements(p_entries) LOOP
    BEGIN
      FOR v_delta IN
        SELECT x.account_id, x.currency,
               sum(CASE WHEN x.type = 'posted' AND x.amount > 0 THEN x.amount ELSE 0 END) AS dp,
               sum(CASE WHEN x.type = 'posted' AND x.amount < 0 THEN -x.amount ELSE 0 END) AS cp,
               sum(CASE WHEN x.type = 'pending' AND x.amount > 0 THEN x.amount
                        WHEN x.type = 'release' AND x.amount < 0 THEN x.amount
                        ELSE 0 END) AS dpe,
               sum(CASE WHEN x.type = 'pending' AND x.amount < 0 THEN -x.amount
                        WHEN x.type = 'release' AND x.amount > 0 THEN -x.amount
                        ELSE 0 END) AS cpe,
               bool_or(x.amount > 0 AND x.type IN ('posted', 'pending')) AS debits
        FROM (
          SELECT p ->> 'account' AS account_id, p ->> 'currency' AS currency,
                 (p ->> 'amount')::bigint AS amount, p ->> 'type' AS type
          FROM jsonb_array_elements(v_entry -> 'postings') p
        ) x
        GROUP BY x.account_id, x.currency
        ORDER BY x.account_id
      LOOP
        UPDATE wallets_accountbalance b
        SET debits_posted = b.debits_posted + v_delta.dp,
            credits_posted = b.credits_posted + v_delta.cp,
            debits_pending = b.debits_pending + v_delta.dpe,
            credits_pending = b.credits_pending + v_delta.cpe
        FROM wallets_ledgeraccount a
        WHERE a.id = v_delta.account_id
          AND b.account_id = a.id
          AND b.shard = v_seed % a.shard_count
          AND a.currency = v_delta.currency
          AND (NOT a.frozen OR NOT v_delta.debits)
          AND (NOT a.debits_must_not_exceed_credits
               OR b.debits_posted + v_delta.dp + b.debits_pending + v_delta.dpe
                  <= b.credits_posted + v_delta.cp)
          AND (NOT a.credits_must_not_exceed_debits
               OR b.credits_posted + v_delta.cp + b.credits_pending + v_delta.cpe
                  <= b.debits_posted + v_delta.dp);
        GET DIAGNOSTICS v_updated = ROW_COUNT;
        IF v_updated = 0 THEN
          SELECT * INTO v_account FROM wallets_ledgeraccount WHERE id = v_delta.account_id;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'account_missing:%', v_delta.account_id;
          ELSIF v_account.currency <> v_delta.currency THEN
            RAISE EXCEPTION 'currency_mismatch:%', v_delta.account_id;
          ELSIF v_account.frozen AND v_delta.debits THEN
            RAISE EXCEPTION 'account_frozen:%', v_delta.account_id;
          ELSIF v_account.debits_must_not_exceed_credits THEN
            RAISE EXCEPTION 'insufficient_funds:%', v_delta.account_id;
          ELSE
            RAISE EXCEPTION 'credit_limit_exceeded:%', v_delta.account_id;
          END IF;
        END IF;
      END LOOP;

      INSERT INTO wallets_journalentry (id, merchant_id, kind, description, reference_id, created)
      VALUES (v_entry ->> 'id', v_entry ->> 'merchant', v_entry ->> 'kind',
              v_entry ->> 'description', v_entry ->> 'reference', p_now);
      INSERT INTO wallets_posting (entry_id, account_id, amount, currency, type, created)
      SELECT v_entry ->> 'id', p ->> 'account', (p ->> 'amount')::bigint, p ->> 'currency',
             p ->> 'type', p_now
      FROM jsonb_array_elements(v_entry -> 'postings') p;

      idx := v_i; error := NULL; RETURN NEXT;
    EXCEPTION WHEN raise_exception THEN
      idx := v_i; error := SQLERRM; RETURN NEXT;
    END;
    v_i := v_i + 1;
  END LOOP;
END;
$$;
"""

BALANCED_TRIGGER = r"""
CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM wallets_posting WHERE entry_id = NEW.entry_id
    GROUP BY currency HAVING sum(amount) <> 0
  ) THEN
    RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER posting_entry_balanced
  AFTER INSERT ON wallets_posting
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
"""

IMMUTABLE = r"""
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable: post a correcting entry instead', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER posting_immutable BEFORE UPDATE OR DELETE ON wallets_posting
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_entry_immutable BEFORE UPDATE OR DELETE ON wallets_journalentry
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

DROP = r"""
DROP TRIGGER IF EXISTS journal_entry_immutable ON wallets_journalentry;
DROP TRIGGER IF EXISTS posting_immutable ON wallets_posting;
DROP FUNCTION IF EXISTS ledger_refuse_change();
DROP TRIGGER IF EXISTS posting_entry_balanced ON wallets_posting;
DROP FUNCTION IF EXISTS ledger_check_entry_balanced();
DROP FUNCTION IF EXISTS ledger_post_entries(jsonb, timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [("wallets", "0001_initial")]

    operations = [
        migrations.RunSQL(POST_ENTRIES + BALANCED_TRIGGER + IMMUTABLE, reverse_sql=DROP),
    ]
