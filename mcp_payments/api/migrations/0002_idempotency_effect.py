"""The effect an idempotent request committed (type and id), written in the effect's own
transaction: a request whose process died before storing its response is answered from it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="effect_type",
            field=models.CharField(blank=True, max_length=40, null=True),
        ),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="effect_id",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
    ]
