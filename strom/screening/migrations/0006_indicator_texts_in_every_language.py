"""The shipped indicator sets' rows receive the texts their files now hold in the region's other
languages: titles of sets and dimensions as well as indicator texts.

As in 0005, a translation is not a new version: a text takes another language only where its English
is still the file's, a language already stored is never overwritten, and only shipped rows are
touched. The files are read as JSON, not through the parser, so later parser changes cannot change
what this migration does.
"""

import json
from typing import Any

from django.db import migrations


def _merge(stored: Any, in_file: Any) -> bool:
    """Copy the file's missing languages into `stored`, walking both documents together."""
    changed = False
    if isinstance(stored, dict) and isinstance(in_file, dict):
        if isinstance(in_file.get("en"), str) and all(isinstance(v, str) for v in in_file.values()):
            if stored.get("en") != in_file["en"]:
                return False
            for language, text in in_file.items():
                if not stored.get(language):
                    stored[language] = text
                    changed = True
            return changed
        for key, value in in_file.items():
            if key in stored:
                changed = _merge(stored[key], value) or changed
    elif isinstance(stored, list) and isinstance(in_file, list) and len(stored) == len(in_file):
        for a, b in zip(stored, in_file):
            changed = _merge(a, b) or changed
    return changed


def _as_dicts(document: dict[str, Any]) -> None:
    """An indicator text stored as a bare string (format 1 allowed it) becomes {"en": text}."""
    for item in document.get("indicators", []):
        if isinstance(item.get("text"), str):
            item["text"] = {"en": item["text"]}


def add_translations(apps: Any, schema_editor: Any) -> None:
    from strom.screening.indicators import DATA_DIR

    IndicatorSetVersion = apps.get_model("screening", "IndicatorSetVersion")
    for row in IndicatorSetVersion.objects.filter(shipped=True):
        path = DATA_DIR / row.set_id / f"{row.version}.json"
        if not path.exists():
            continue
        in_file = json.loads(path.read_text(encoding="utf-8"))
        _as_dicts(in_file)
        _as_dicts(row.document)
        if _merge(row.document, in_file):
            row.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_translate_shipped_indicator_texts")]

    operations = [migrations.RunPython(add_translations, migrations.RunPython.noop)]
