"""A practice's texts move into a table with one row per language (django-parler), and each existing
practice's text becomes the row of its original language, without loss.

The original language is the first of the record's languages that is one of the region's, else English.
Nothing is removed from the practice until every text is copied; going back copies the original
language's row into the columns again (other languages' rows are then dropped with their table).
"""

from typing import Any

import django.db.models.deletion
import parler.fields
from django.db import migrations, models

TEXTS = ("title", "summary", "problem", "what_was_done", "results")
REGION = {"en", "da", "de", "et", "fi", "is", "lt", "lv", "nb", "pl", "ru", "sv", "uk"}


def _original(languages: list[str]) -> str:
    return next((code for code in languages if code in REGION), "en")


def copy_texts(apps: Any, schema_editor: Any) -> None:
    Practice = apps.get_model("practices", "Practice")
    PracticeTranslation = apps.get_model("practices", "PracticeTranslation")
    for practice in Practice.objects.order_by("pk").iterator():
        language = _original(list(practice.languages))
        practice.original_language = language
        practice.save(update_fields=["original_language"])
        PracticeTranslation.objects.create(
            master_id=practice.pk,
            language_code=language,
            **{name: getattr(practice, name) for name in TEXTS},
        )


def copy_texts_back(apps: Any, schema_editor: Any) -> None:
    Practice = apps.get_model("practices", "Practice")
    PracticeTranslation = apps.get_model("practices", "PracticeTranslation")
    for practice in Practice.objects.order_by("pk").iterator():
        row = (
            PracticeTranslation.objects.filter(
                master_id=practice.pk, language_code=practice.original_language
            ).first()
            or PracticeTranslation.objects.filter(master_id=practice.pk).order_by("pk").first()
        )
        if row is not None:
            for name in TEXTS:
                setattr(practice, name, getattr(row, name))
            practice.save(update_fields=list(TEXTS))


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_practices_library"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="practice",
            options={"ordering": ["pk"], "verbose_name": "practice", "verbose_name_plural": "practices"},
        ),
        migrations.AddField(
            model_name="practice",
            name="original_language",
            field=models.CharField(default="en", max_length=3, verbose_name="original language"),
        ),
        migrations.CreateModel(
            name="PracticeTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language_code", models.CharField(db_index=True, max_length=15, verbose_name="Language")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("summary", models.TextField(verbose_name="summary")),
                ("problem", models.TextField(blank=True, verbose_name="problem addressed")),
                ("what_was_done", models.TextField(blank=True, verbose_name="what was done")),
                ("results", models.TextField(blank=True, verbose_name="results and evidence")),
                (
                    "master",
                    parler.fields.TranslationsForeignKey(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="practices.practice",
                    ),
                ),
            ],
            options={
                "verbose_name": "practice Translation",
                "db_table": "practices_practice_translation",
                "db_tablespace": "",
                "managed": True,
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("language_code", "master"), name="practices_practice_translation_uniq_lang"
                    )
                ],
            },
            # A plain model in the migration state: parler's mixin would ask the historical practice,
            # which has no parler base, for its translations.
            bases=(models.Model,),
        ),
        migrations.RunPython(copy_texts, copy_texts_back),
        # With a default, so that going back can add the columns again to a table with rows.
        migrations.AlterField(
            model_name="practice",
            name="title",
            field=models.CharField(default="", max_length=300, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="practice", name="summary", field=models.TextField(default="", verbose_name="summary")
        ),
        migrations.AlterField(
            model_name="practice",
            name="problem",
            field=models.TextField(blank=True, default="", verbose_name="problem addressed"),
        ),
        migrations.AlterField(
            model_name="practice",
            name="what_was_done",
            field=models.TextField(blank=True, default="", verbose_name="what was done"),
        ),
        migrations.AlterField(
            model_name="practice",
            name="results",
            field=models.TextField(blank=True, default="", verbose_name="results and evidence"),
        ),
        migrations.RemoveField(
            model_name="practice",
            name="problem",
        ),
        migrations.RemoveField(
            model_name="practice",
            name="results",
        ),
        migrations.RemoveField(
            model_name="practice",
            name="summary",
        ),
        migrations.RemoveField(
            model_name="practice",
            name="title",
        ),
        migrations.RemoveField(
            model_name="practice",
            name="what_was_done",
        ),
    ]
