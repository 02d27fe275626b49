"""Loaded the shipped country files as version 1 of each country's rules.

The rules moved to the `stages` app, and so did the loading: stages 0002_load_shipped_country_rules
does it, and leaves alone a country that has versions (a database that ran this migration before).
Kept, doing nothing, so the migration history stays the same.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_country_rule_versions")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
