"""Outbox messages get an idempotency key (one per message, kept across retries) and the
time they were first handed to the provider. Nullable, so the previous release's code
still inserts messages while this one is deployed."""

import uuid

from django.db import migrations, models


def keys_for_existing(apps, schema_editor):
    Message = apps.get_model("questionnaires", "Message")
    for pk in Message.objects.filter(idempotency_key=None).values_list("pk", flat=True).iterator():
        Message.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0005_alter_response_capture")]

    operations = [
        migrations.AddField(
            model_name="message",
            name="idempotency_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(keys_for_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="idempotency_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="message",
            name="handed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="message",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting"),
                    ("sending", "Sending"),
                    ("handed", "Handed to the provider"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
