"""Load version 1 of the guideline, as AMU adopted it on 14.12.2015, from its data file.

The data file (policy/data/guideline-v1.yaml) is the version as adopted and never changes;
tests/policy/test_guideline_data.py checks it against the document.
"""

import datetime as dt
from pathlib import Path

import yaml
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "guideline-v1.yaml"


def load_v1(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    guideline_model = apps.get_model("policy", "Guideline")
    version_model = apps.get_model("policy", "GuidelineVersion")
    rule_model = apps.get_model("policy", "Rule")
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    guideline, _ = guideline_model.objects.get_or_create(
        slug=data["guideline"]["slug"], defaults={"title": data["guideline"]["title"]}
    )
    meta = data["version"]
    if version_model.objects.filter(guideline=guideline, number=meta["number"]).exists():
        return
    adopted_on: dt.date = meta["adopted_on"]
    effective_from: dt.date = meta["effective_from"]
    version = version_model.objects.create(
        guideline=guideline,
        number=meta["number"],
        status="adopted",
        adopted_by=meta["adopted_by"],
        adopted_on=adopted_on,
        effective_from=effective_from,
        change_summary=meta["change_summary"],
        parameters=data["parameters"],
    )
    rule_model.objects.bulk_create(
        rule_model(
            version=version,
            code=rule["code"],
            section=rule["section"],
            section_title=rule["section_title"],
            heading=rule["heading"],
            title=rule["title"],
            text=rule["text"],
            category=rule["category"],
            parameters=rule.get("parameters") or {},
            order=index,
        )
        for index, rule in enumerate(data["rules"], start=1)
    )


def unload_v1(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    version_model = apps.get_model("policy", "GuidelineVersion")
    apps.get_model("policy", "Rule").objects.filter(version__number=1).delete()
    version_model.objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(load_v1, unload_v1)]
