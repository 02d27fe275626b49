"""The shipped indicator sets' rows receive the Latvian and Russian texts their files now hold.

A translation is not a new version: the indicator, its strength and its English text stay what every
screening was made with, and an indicator takes another language's text only where its English text is
still the file's. Only shipped rows are touched; a coordinator's published version is never edited.
Uses only the parser of strom/screening/indicators.py, as 0003 does.
"""

from typing import Any

from django.db import migrations


def add_translations(apps: Any, schema_editor: Any) -> None:
    from strom.screening.indicators import DATA_DIR, load_directory

    IndicatorSetVersion = apps.get_model("screening", "IndicatorSetVersion")
    shipped = load_directory(DATA_DIR)
    for row in IndicatorSetVersion.objects.filter(shipped=True):
        indicator_set = shipped.get((row.set_id, row.version))
        if indicator_set is None:
            continue
        texts = {indicator.id: indicator.texts for indicator in indicator_set.indicators}
        changed = False
        for item in row.document.get("indicators", []):
            stored = item["text"] if isinstance(item["text"], dict) else {"en": item["text"]}
            in_file = texts.get(item["id"], {})
            if in_file.get("en") != stored.get("en"):
                continue
            for language, text in in_file.items():
                if language not in stored:
                    stored[language] = text
                    changed = True
            item["text"] = stored
        if changed:
            row.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_recheck_task_points_to_stages")]

    operations = [migrations.RunPython(add_translations, migrations.RunPython.noop)]
