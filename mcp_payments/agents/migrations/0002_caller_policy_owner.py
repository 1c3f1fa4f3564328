"""Spend and approvals keyed by the policy owner (a key or a merchant's assistant); REST
approvals own their request's idempotency record; the merchant's assistant policy."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("agents", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="agentspend",
            name="owner",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE agents_agentspend SET owner = api_key_id", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.RemoveConstraint(model_name="agentspend", name="agent_spend_key_day_currency"),
        migrations.RemoveField(model_name="agentspend", name="api_key"),
        migrations.AddConstraint(
            model_name="agentspend",
            constraint=models.UniqueConstraint(
                fields=("owner", "day", "currency"), name="agent_spend_owner_day_currency"
            ),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="owner",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="idempotency_scope",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.RunSQL(
            "UPDATE agents_agentapproval SET owner = api_key_id, idempotency_scope = merchant_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveConstraint(
            model_name="agentapproval", name="agent_approval_key_idempotency"
        ),
        migrations.AddConstraint(
            model_name="agentapproval",
            constraint=models.UniqueConstraint(
                fields=("owner", "idempotency_key"), name="agent_approval_owner_idempotency"
            ),
        ),
        migrations.AlterField(
            model_name="agentapproval",
            name="api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.apikey",
            ),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="interface",
            field=models.CharField(default="mcp", max_length=8),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="response",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="policy_verdict",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="agentapproval",
            name="retried",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="agentapproval",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("executed", "Executed"),
                    ("failed", "Failed"),
                    ("expired", "Expired"),
                ],
                default="pending",
                max_length=8,
            ),
        ),
        migrations.CreateModel(
            name="AssistantPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("max_amount_per_call", models.BigIntegerField(blank=True, null=True)),
                ("daily_limit", models.JSONField(blank=True, default=dict)),
                ("approval_above", models.BigIntegerField(blank=True, null=True)),
                (
                    "allowed_tools",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=64), blank=True, null=True, size=None
                    ),
                ),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("read_only", models.BooleanField(default=False)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "merchant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assistant_policy",
                        to="accounts.merchant",
                    ),
                ),
            ],
        ),
    ]
