"""Sealing the audit log into a hash chain, and the seal-then-verify check interfaces call."""

from django.db import connection, transaction

from ..chain import CONTENT_FIELDS, GENESIS_HASH, entry_hash
from ..models import AuditEntry
from ..selectors.audit import VerifyResult, audit_verify

# pg_advisory_xact_lock key taken by sealers only ("audit_se" as a 64-bit integer).
SEAL_LOCK_KEY = 0x61756469745F7365
SEAL_BATCH_SIZE = 1000


def _write_links(links: list[tuple[str, int, str, str]]) -> None:
    """One UPDATE for a batch of (id, chain_position, prev_hash, hash)."""
    table = AuditEntry._meta.db_table
    values = ", ".join(["(%s, %s::bigint, %s, %s)"] * len(links))
    params = [item for link in links for item in link]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET chain_position = v.position, prev_hash = v.prev_hash, "  # noqa: S608
            f"hash = v.hash FROM (VALUES {values}) AS v(id, position, prev_hash, hash) "
            "WHERE a.id = v.id AND a.hash IS NULL",
            params,
        )
        if cursor.rowcount != len(links):
            raise RuntimeError("audit_seal: a row of the batch was sealed concurrently.")


def audit_seal() -> int:
    """Chain every unsealed row that no uncommitted row can precede any more; return how many.

    Only rows written by transactions older than the oldest transaction still running
    (`txid < pg_snapshot_xmin(pg_current_snapshot())`) are sealed: any row committed later comes
    from a newer transaction, so the chain order — (txid, seq), i.e. by writing transaction then
    insertion order — does not depend on when the sealer runs. Sealers serialize on a
    transaction-level advisory lock that writers never take. A long-running writing transaction
    anywhere in the cluster delays sealing (not writing) until it ends.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            (cutoff,) = cursor.fetchone()
        last = (
            AuditEntry.objects.filter(chain_position__isnull=False)
            .order_by("-chain_position")
            .values_list("chain_position", "hash")
            .first()
        )
        position, prev_hash = last if last is not None else (0, GENESIS_HASH)
        sealed = 0
        while True:
            rows = list(
                AuditEntry.objects.filter(hash__isnull=True, txid__lt=cutoff)
                .order_by("txid", "seq")
                .values(*CONTENT_FIELDS)[:SEAL_BATCH_SIZE]
            )
            if not rows:
                return sealed
            links = []
            for row in rows:
                position += 1
                digest = entry_hash(content=row, prev_hash=prev_hash, chain_position=position)
                links.append((row["id"], position, prev_hash, digest))
                prev_hash = digest
            _write_links(links)
            sealed += len(links)


def audit_seal_and_verify() -> VerifyResult:
    """Seal what can be sealed, then verify the whole chain (the check the API, admin, command
    and scheduled task run)."""
    audit_seal()
    return audit_verify()
