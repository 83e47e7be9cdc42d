# The consent register moves to intake (intake 0006): the table is renamed, its rows and ids
# kept, and the collaboration log's link to the consent it relied on follows it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_consent_moved_from_referrals"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("consent", "intake_consent")],
            state_operations=[
                migrations.AlterField(
                    model_name="collaborationentry",
                    name="consent",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="intake.consent",
                    ),
                ),
                migrations.DeleteModel("Consent"),
            ],
        ),
    ]
