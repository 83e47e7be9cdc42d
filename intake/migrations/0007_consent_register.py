# The consent register gets the client's own consents to be reached (calls, SMS, e-mail,
# digital questionnaires), how each was given, and a review flag. The ticks that lived on
# each contact move into the register: every consent ever given is kept, at the time of the
# first contact that gave it; a later contact that left the box unticked (which used to
# withdraw it silently) flags the line for the team lead's review instead.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TICKS = {
    "call": "consent_call",
    "sms": "consent_sms",
    "email": "consent_email",
    "digital_questionnaires": "consent_digital_questionnaires",
}


def contact_ticks_to_register(apps, schema_editor):
    Contact = apps.get_model("intake", "Contact")
    Consent = apps.get_model("intake", "Consent")
    given: dict[tuple[int, str], object] = {}
    rows = Contact.objects.order_by("client_id", "registered_at", "pk").values(
        "client_id", "team_id", "registered_at", "registered_by_id", "channel", *TICKS.values()
    )
    for contact in rows.iterator(chunk_size=2000):
        day = contact["registered_at"].strftime("%d.%m.%Y")
        for kind, field in TICKS.items():
            key = (contact["client_id"], kind)
            line = given.get(key)
            if contact[field] and line is None:
                self_referral = (
                    contact["registered_by_id"] is None and contact["channel"] == "web_form"
                )
                given[key] = Consent.objects.create(
                    team_id=contact["team_id"],
                    client_id=contact["client_id"],
                    party=kind,
                    given=True,
                    method="self_referral" if self_referral else "earlier_contact",
                    note=f"Ticked on the contact of {day}",
                    recorded_at=contact["registered_at"],
                    recorded_by_id=contact["registered_by_id"],
                )
            elif not contact[field] and line is not None and not line.needs_review:
                line.needs_review = True
                line.note = f"{line.note}; left unticked on the contact of {day}"[:500]
                line.save(update_fields=["needs_review", "note"])


def register_to_contact_ticks(apps, schema_editor):
    Contact = apps.get_model("intake", "Contact")
    Consent = apps.get_model("intake", "Consent")
    for kind, field in TICKS.items():
        lines = Consent.objects.filter(party=kind)
        holds = set(lines.filter(given=True).values_list("client_id", flat=True))
        Contact.objects.filter(client_id__in=holds).update(**{field: True})
        lines.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_consent_moved_from_referrals"),
        ("referrals", "0002_consent_moved_to_intake"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="consent",
            new_name="intake_cons_client__b76ee7_idx",
            old_name="referrals_c_client__fa5649_idx",
        ),
        migrations.AddField(
            model_name="consent",
            name="method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("phone", "By phone"),
                    ("in_person", "In person"),
                    ("form", "On a form or in writing"),
                    ("self_referral", "In the self-referral form"),
                    ("assessment", "In the assessment"),
                    ("earlier_contact", "Ticked on an earlier contact"),
                ],
                max_length=20,
                verbose_name="how",
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="needs_review",
            field=models.BooleanField(
                default=False,
                help_text="Earlier contacts disagreed about this consent; the team lead checks it.",
                verbose_name="needs review",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="party",
            field=models.CharField(
                choices=[
                    ("call", "Phone calls"),
                    ("sms", "SMS"),
                    ("email", "E-mail"),
                    ("digital_questionnaires", "Questionnaires sent digitally"),
                    ("gp", "GP (epikrise)"),
                    ("nav", "NAV"),
                    ("employer", "Employer"),
                    ("occupational_health", "Occupational health service"),
                    ("school", "School"),
                    ("dps", "DPS (specialist mental health care)"),
                    ("relatives", "Relatives"),
                    ("research", "Research and evaluation (FHI)"),
                    ("other", "Other"),
                ],
                max_length=30,
                verbose_name="consent to",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="recipient",
            field=models.CharField(
                blank=True,
                help_text="E.g. the NAV adviser or employer.",
                max_length=200,
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when the client gave it in the self-referral form.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(contact_ticks_to_register, register_to_contact_ticks),
        migrations.RemoveField(
            model_name="contact",
            name="consent_call",
        ),
        migrations.RemoveField(
            model_name="contact",
            name="consent_digital_questionnaires",
        ),
        migrations.RemoveField(
            model_name="contact",
            name="consent_email",
        ),
        migrations.RemoveField(
            model_name="contact",
            name="consent_sms",
        ),
    ]
