"""The append-only, hash-chained audit log row (the kernel's audit building block).

Rows are inserted unsealed (no lock, same transaction as the audited change) by
`mcp_payments.audit.records.audit_record` and chained later by
`compliance.services.audit.audit_seal`. The database refuses DELETE, and any UPDATE except the
one-time sealing of an unsealed row (compliance migration 0002).
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Func, Q, Value

from mcp_payments.api.fields import PrefixedIdField

SEQUENCE_NAME = "compliance_audit_seq"


class ActorType(models.TextChoices):
    API_KEY = "api_key"
    USER = "user"
    SYSTEM = "system"


class AuditEntry(models.Model):
    """One privileged action. Content columns never change; the chain columns are set once."""

    id = PrefixedIdField("aud")
    # Insertion order within a transaction; the chain order is (txid, seq).
    seq = models.BigIntegerField(
        unique=True, editable=False, db_default=Func(Value(SEQUENCE_NAME), function="nextval")
    )
    # The writing transaction (txid_current(), forced by the insert trigger as well).
    txid = models.BigIntegerField(editable=False, db_default=Func(function="txid_current"))
    created = models.DateTimeField(db_default=Func(function="statement_timestamp"))
    merchant_id = models.CharField(max_length=64, null=True, blank=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=100)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=64, null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The chain: NULL until sealed.
    chain_position = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        # The table and its sequence/trigger keep the names compliance created them with
        # (the model moved to the kernel state-only: audit/0001, compliance/0006).
        db_table = "compliance_auditentry"
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["merchant_id", "-id"], name="compliance_audit_merchant"),
            models.Index(fields=["object_id"], name="compliance_audit_object"),
            models.Index(fields=["actor_id"], name="compliance_audit_actor"),
            models.Index(
                fields=["txid", "seq"],
                condition=Q(hash__isnull=True),
                name="compliance_audit_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.action} {self.object_type}:{self.object_id}"
