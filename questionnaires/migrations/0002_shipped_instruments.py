"""Load the instrument definitions shipped with RPH (PHQ-9, GAD-7, AUDIT-C)."""

import json
from importlib import resources

from django.db import migrations

FILES = ("phq9.json", "gad7.json", "auditc.json")


def load_shipped(apps, schema_editor):
    Instrument = apps.get_model("questionnaires", "Instrument")
    folder = resources.files("questionnaires.instruments")
    for name in FILES:
        data = json.loads(folder.joinpath(name).read_bytes())
        Instrument.objects.update_or_create(
            code=data["code"],
            version=data["version"],
            team=None,
            defaults={"name": data["name"], "definition": data, "is_shipped": True},
        )


def unload_shipped(apps, schema_editor):
    Instrument = apps.get_model("questionnaires", "Instrument")
    Instrument.objects.filter(is_shipped=True).delete()


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0001_initial")]

    operations = [migrations.RunPython(load_shipped, unload_shipped)]
