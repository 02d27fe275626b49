"""The shipped indicator set files become the first rows of IndicatorSetVersion.

Only the parser of strom/screening/indicators.py is used (no model code), so this keeps working
when the models change later. Idempotent: a version already in the table is left as it is.
"""

from typing import Any

from django.db import migrations


def load_shipped(apps: Any, schema_editor: Any) -> None:
    from strom.screening.indicators import DATA_DIR, load_directory, shipped_row_fields

    IndicatorSetVersion = apps.get_model("screening", "IndicatorSetVersion")
    existing = set(IndicatorSetVersion.objects.values_list("set_id", "version"))
    for key, indicator_set in sorted(load_directory(DATA_DIR).items()):
        if key not in existing:
            IndicatorSetVersion.objects.create(**shipped_row_fields(indicator_set))


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_indicator_set_versions_and_rechecks")]

    operations = [migrations.RunPython(load_shipped, migrations.RunPython.noop)]
