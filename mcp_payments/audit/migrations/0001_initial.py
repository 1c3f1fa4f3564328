"""AuditEntry joins the shared kernel (state only: the table stays `compliance_auditentry`)."""

import django.core.serializers.json
from django.db import migrations, models

import mcp_payments.api.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [("compliance", "0002_audit_append_only")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", mcp_payments.api.fields.PrefixedIdField("aud", serialize=False)),
                        (
                            "seq",
                            models.BigIntegerField(
                                db_default=models.Func(
                                    models.Value("compliance_audit_seq"), function="nextval"
                                ),
                                editable=False,
                                unique=True,
                            ),
                        ),
                        (
                            "txid",
                            models.BigIntegerField(
                                db_default=models.Func(function="txid_current"), editable=False
                            ),
                        ),
                        (
                            "created",
                            models.DateTimeField(
                                db_default=models.Func(function="statement_timestamp")
                            ),
                        ),
                        ("merchant_id", models.CharField(blank=True, max_length=64, null=True)),
                        (
                            "actor_type",
                            models.CharField(
                                choices=[
                                    ("api_key", "Api Key"),
                                    ("user", "User"),
                                    ("system", "System"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("actor_id", models.CharField(max_length=100)),
                        ("action", models.CharField(max_length=100)),
                        ("object_type", models.CharField(max_length=64)),
                        ("object_id", models.CharField(max_length=100)),
                        (
                            "before",
                            models.JSONField(
                                blank=True,
                                encoder=django.core.serializers.json.DjangoJSONEncoder,
                                null=True,
                            ),
                        ),
                        (
                            "after",
                            models.JSONField(
                                blank=True,
                                encoder=django.core.serializers.json.DjangoJSONEncoder,
                                null=True,
                            ),
                        ),
                        ("request_id", models.CharField(blank=True, max_length=64, null=True)),
                        ("ip", models.GenericIPAddressField(blank=True, null=True)),
                        (
                            "chain_position",
                            models.BigIntegerField(blank=True, null=True, unique=True),
                        ),
                        ("prev_hash", models.CharField(blank=True, max_length=64, null=True)),
                        ("hash", models.CharField(blank=True, max_length=64, null=True)),
                    ],
                    options={
                        "db_table": "compliance_auditentry",
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit entries",
                        "indexes": [
                            models.Index(
                                fields=["merchant_id", "-id"], name="compliance_audit_merchant"
                            ),
                            models.Index(fields=["object_id"], name="compliance_audit_object"),
                            models.Index(fields=["actor_id"], name="compliance_audit_actor"),
                            models.Index(
                                condition=models.Q(("hash__isnull", True)),
                                fields=["txid", "seq"],
                                name="compliance_audit_unsealed",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
