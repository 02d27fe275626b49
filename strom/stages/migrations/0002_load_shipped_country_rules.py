"""The shipped country files become version 1 of each country's rules (moved here from cases 0007).

Loaded here, once, and not on first use: a read never writes, every installation (and every test
database) has the same first versions before any clock starts, and a later change of a shipped file
does not overwrite what a country's coordinators have since published. The files are read as they
are when this migration runs; docs/clocks.md explains. A database that ran cases 0007 has its
versions already: a country that has any is left alone.
"""

from django.db import migrations


def load(apps, schema_editor):
    from strom.stages import country_rules

    CountryRuleVersion = apps.get_model("stages", "CountryRuleVersion")
    for country in country_rules.shipped_countries():
        if CountryRuleVersion.objects.filter(country=country).exists():
            continue
        CountryRuleVersion.objects.create(
            country=country,
            number=1,
            effective_from=country_rules.SHIPPED_EFFECTIVE_FROM,
            items=country_rules.shipped_rules(country).items,
            note="Shipped with STROM.",
        )


def unload(apps, schema_editor):
    CountryRuleVersion = apps.get_model("stages", "CountryRuleVersion")
    CountryRuleVersion.objects.filter(number=1, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stages", "0001_stages_models_from_cases")]

    operations = [migrations.RunPython(load, unload)]
