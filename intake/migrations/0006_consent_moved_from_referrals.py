# The consent register moves from referrals to intake: the client's own register, read by
# every later app. This migration only tells Django's state that intake.Consent exists;
# referrals 0002 renames the table (rows and ids kept), intake 0007 extends it.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_team_review_after_sessions"),
        ("intake", "0005_generalpractitioner_client_gp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("party", models.CharField(max_length=20, verbose_name="shared with")),
                        (
                            "recipient",
                            models.CharField(blank=True, max_length=200, verbose_name="name"),
                        ),
                        ("given", models.BooleanField(verbose_name="consent given")),
                        ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                        (
                            "recorded_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="recorded"
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="intake.client",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "consent",
                        "verbose_name_plural": "consents",
                        "ordering": ["-recorded_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["client", "party", "recorded_at"],
                                name="referrals_c_client__fa5649_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
