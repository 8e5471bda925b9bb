import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "digcomp-2.2.json"


def load(apps, schema_editor):
    Competence = apps.get_model("courses", "Competence")
    for area in json.loads(DATA.read_text(encoding="utf-8"))["areas"]:
        for item in area["competences"]:
            Competence.objects.update_or_create(
                code=item["code"],
                defaults={
                    "area_code": area["code"],
                    "area_name": area["de"],
                    "name": item["de"],
                    "name_en": item["en"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
