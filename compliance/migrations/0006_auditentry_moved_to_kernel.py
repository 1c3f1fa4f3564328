"""AuditEntry moved to the kernel app `audit` (state only; the table and its trigger stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0005_compliance_report"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
