"""A trigram index on the unaccented, lower-cased title, for fuzzy matching where pg_trgm is installed.

Optional, so it is created here rather than declared on the model: without pg_trgm the search leaves
out fuzzy matching (strom/hub/search.py asks the database whether the extension is there).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS hub_search_title_trgm ON hub_searchentry"
    " USING gin (hub_unaccent(lower(title)) gin_trgm_ops)"
)


def create(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            cursor.execute(INDEX)


def drop(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS hub_search_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("hub", "0002_search_entry")]
    operations = [migrations.RunPython(create, drop)]
