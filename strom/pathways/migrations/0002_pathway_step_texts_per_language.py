"""A pathway step's texts (contact role, what to do, legal basis) move into a table with one row per
language (django-parler), and each existing step's texts become the row of its pathway's original
language, without loss.

Existing pathways were written in the instance's default language, English (`LANGUAGE_CODE`): that is
their original language. Nothing is removed from the step until every text is copied; going back
copies the original language's row into the columns again (other languages' rows are then dropped with
their table).
"""

from typing import Any

import django.db.models.deletion
import parler.fields
from django.db import migrations, models

TEXTS = ("contact_role", "what_to_do", "legal_basis")


def copy_texts(apps: Any, schema_editor: Any) -> None:
    PathwayStep = apps.get_model("pathways", "PathwayStep")
    PathwayStepTranslation = apps.get_model("pathways", "PathwayStepTranslation")
    steps = PathwayStep.objects.select_related("pathway").order_by("pk")
    PathwayStepTranslation.objects.bulk_create(
        PathwayStepTranslation(
            master_id=step.pk,
            language_code=step.pathway.original_language,
            **{name: getattr(step, name) for name in TEXTS},
        )
        for step in steps.iterator()
    )


def copy_texts_back(apps: Any, schema_editor: Any) -> None:
    PathwayStep = apps.get_model("pathways", "PathwayStep")
    PathwayStepTranslation = apps.get_model("pathways", "PathwayStepTranslation")
    for step in PathwayStep.objects.select_related("pathway").order_by("pk").iterator():
        rows = PathwayStepTranslation.objects.filter(master_id=step.pk)
        row = (
            rows.filter(language_code=step.pathway.original_language).first() or rows.order_by("pk").first()
        )
        if row is not None:
            for name in TEXTS:
                setattr(step, name, getattr(row, name))
            step.save(update_fields=list(TEXTS))


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0001_referral_pathways"),
    ]

    operations = [
        migrations.AddField(
            model_name="pathway",
            name="original_language",
            field=models.CharField(default="en", max_length=3, verbose_name="original language"),
        ),
        migrations.CreateModel(
            name="PathwayStepTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language_code", models.CharField(db_index=True, max_length=15, verbose_name="Language")),
                ("contact_role", models.CharField(blank=True, max_length=200, verbose_name="contact role")),
                ("what_to_do", models.TextField(blank=True, verbose_name="what to do")),
                ("legal_basis", models.TextField(blank=True, verbose_name="legal basis")),
                (
                    "master",
                    parler.fields.TranslationsForeignKey(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="pathways.pathwaystep",
                    ),
                ),
            ],
            options={
                "verbose_name": "pathway step Translation",
                "db_table": "pathways_pathwaystep_translation",
                "db_tablespace": "",
                "managed": True,
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("language_code", "master"), name="pathways_pathwaystep_translation_uniq_lang"
                    )
                ],
            },
            # A plain model in the migration state: parler's mixin would ask the historical step, which
            # has no parler base, for its translations.
            bases=(models.Model,),
        ),
        migrations.RunPython(copy_texts, copy_texts_back),
        migrations.RemoveField(model_name="pathwaystep", name="contact_role"),
        migrations.RemoveField(model_name="pathwaystep", name="legal_basis"),
        migrations.RemoveField(model_name="pathwaystep", name="what_to_do"),
    ]
