"""The lock step of `ledger_post_entries` looks accounts up by primary key from the batch's own
list (it joined the whole account table before: a sequential scan per call)."""

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
  -- Look the accounts up by primary key from the (small) list the batch names: a join against
  -- the whole account table would scan it.
  PERFORM 1
  FROM wallets_ledgeraccount a
  JOIN wallets_accountbalance b ON b.account_id = a.id AND b.shard = v_seed % a.shard_count
  WHERE a.id = ANY (ARRAY(
          SELECT DISTINCT p ->> 'account'
          FROM jsonb_array_elements(p_entries) e, jsonb_array_elements(e -> 'postings') p))
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
               bool_or(x.amount > 0 AND x.type IN ('posted', 'pending')) AS debits,
               bool_or(x.check_funds) AS check_funds
        FROM (
          SELECT p ->> 'account' AS account_id, p ->> 'currency' AS currency,
                 (p ->> 'amount')::bigint AS amount, p ->> 'type' AS type,
                 coalesce((p ->> 'check_funds')::boolean, false) AS check_funds
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
          AND (NOT (a.debits_must_not_exceed_credits OR v_delta.check_funds)
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
          ELSIF v_account.debits_must_not_exceed_credits OR v_delta.check_funds THEN
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


class Migration(migrations.Migration):
    dependencies = [("wallets", "0003_ledger_check_funds")]

    operations = [migrations.RunSQL(POST_ENTRIES, reverse_sql=migrations.RunSQL.noop)]
