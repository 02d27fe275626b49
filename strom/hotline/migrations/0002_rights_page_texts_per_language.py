"""A know-your-rights page becomes one page per country with its texts per language (django-parler), and
each existing (country, language) page becomes that language's row of its country's page, without loss.

The page that stays is the country's English page where there is one, else its first one; its language
is the page's original language. Nothing is removed until every text is copied. Going back makes one
page per country and language again, each with its language's text and version.
"""

from typing import Any

import django.db.models.deletion
import parler.fields
import strom.core.countries
from django.db import migrations, models


def _by_country(RightsPage: Any) -> dict[str, list[Any]]:
    pages: dict[str, list[Any]] = {}
    for page in RightsPage.objects.order_by("pk"):
        pages.setdefault(page.country, []).append(page)
    return pages


def one_page_per_country(apps: Any, schema_editor: Any) -> None:
    RightsPage = apps.get_model("hotline", "RightsPage")
    RightsPageTranslation = apps.get_model("hotline", "RightsPageTranslation")
    for pages in _by_country(RightsPage).values():
        kept = next((page for page in pages if page.language == "en"), pages[0])
        kept.original_language = kept.language
        kept.save(update_fields=["original_language"])
        RightsPageTranslation.objects.bulk_create(
            RightsPageTranslation(
                master_id=kept.pk,
                language_code=page.language,
                title=page.title,
                body=page.body,
                version=page.version,
            )
            for page in pages
        )
        RightsPage.objects.filter(pk__in=[page.pk for page in pages if page.pk != kept.pk]).delete()


def one_page_per_language(apps: Any, schema_editor: Any) -> None:
    RightsPage = apps.get_model("hotline", "RightsPage")
    RightsPageTranslation = apps.get_model("hotline", "RightsPageTranslation")
    for page in RightsPage.objects.order_by("pk"):
        rows = list(RightsPageTranslation.objects.filter(master_id=page.pk).order_by("pk"))
        original = next((row for row in rows if row.language_code == page.original_language), None)
        original = original or (rows[0] if rows else None)
        for row in rows:
            if row is original:
                page.language, page.title, page.body, page.version = (
                    row.language_code,
                    row.title,
                    row.body,
                    row.version,
                )
                page.save(update_fields=["language", "title", "body", "version"])
            else:
                RightsPage.objects.create(
                    country=page.country,
                    language=row.language_code,
                    title=row.title,
                    body=row.body,
                    version=row.version,
                    updated_by_id=page.updated_by_id,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0001_contacts_tips_rights_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="rightspage",
            name="original_language",
            field=models.CharField(default="en", max_length=3, verbose_name="original language"),
        ),
        migrations.CreateModel(
            name="RightsPageTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language_code", models.CharField(db_index=True, max_length=15, verbose_name="Language")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "body",
                    models.TextField(
                        help_text="Paragraphs, lists (- item) and **bold** text.", verbose_name="text"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1)),
                (
                    "master",
                    parler.fields.TranslationsForeignKey(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="hotline.rightspage",
                    ),
                ),
            ],
            options={
                "verbose_name": "know-your-rights page Translation",
                "db_table": "hotline_rightspage_translation",
                "db_tablespace": "",
                "managed": True,
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("language_code", "master"), name="hotline_rightspage_translation_uniq_lang"
                    )
                ],
            },
            # A plain model in the migration state: parler's mixin would ask the historical page, which
            # has no parler base, for its translations.
            bases=(models.Model,),
        ),
        migrations.RunPython(one_page_per_country, one_page_per_language),
        migrations.RemoveConstraint(
            model_name="rightspage",
            name="hotline_rights_page_unique",
        ),
        # With defaults, so that going back can add the columns again to a table with rows.
        migrations.AlterField(
            model_name="rightspage",
            name="language",
            field=models.CharField(default="en", max_length=8, verbose_name="language"),
        ),
        migrations.AlterField(
            model_name="rightspage",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="rightspage",
            name="body",
            field=models.TextField(
                default="", help_text="Paragraphs, lists (- item) and **bold** text.", verbose_name="text"
            ),
        ),
        migrations.RemoveField(model_name="rightspage", name="body"),
        migrations.RemoveField(model_name="rightspage", name="language"),
        migrations.RemoveField(model_name="rightspage", name="title"),
        migrations.RemoveField(model_name="rightspage", name="version"),
        migrations.AlterField(
            model_name="rightspage",
            name="country",
            field=models.CharField(
                choices=strom.core.countries.country_choices,
                max_length=2,
                unique=True,
                verbose_name="country",
            ),
        ),
    ]
