import json
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "district-places.json"


def load(apps, schema_editor):
    Municipality = apps.get_model("labs", "Municipality")
    for item in json.loads(DATA.read_text(encoding="utf-8"))["municipalities"]:
        Municipality.objects.update_or_create(
            ags=item["ags"],
            defaults={
                "name": item["name"],
                "slug": slugify(item["name"].replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")),
                "postcodes": item["postcodes"],
                "latitude": item["lat"],
                "longitude": item["lon"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
