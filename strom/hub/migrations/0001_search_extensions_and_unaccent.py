"""The extensions the hub search uses, and `hub_unaccent(text)`, the immutable function its index needs.

`unaccent` and `pg_trgm` are trusted extensions (PostgreSQL 13 and later): a role that may create objects
in the database may create them. Where the server does not ship them (the embedded PostgreSQL of
`make run` has neither), the search still works: `hub_unaccent` then folds the region's letters with
`translate()`, and fuzzy (trigram) matching is left out. docs/hub-search.md says what an operator does.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Letters of the region's languages and their base letters, for servers without the unaccent extension.
FOLD_FROM = "āčēģīķļņšūžąęėįųëõäöüåæøðþéáíóúýćłńśźżřěůťďňĺŕôÄÖÜÅÆØÐÞĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲÕÉÁÍÓÚÝĆŁŃŚŹŻŘĚŮŤĎŇ"
FOLD_TO = "acegiklnsuzaeeiueoaouaaodteaiouyclnszzreutdnlroAOUAAODTACEGIKLNSUZAEEIUOEAIOUYCLNSZZREUTDN"

UNACCENT_FUNCTION = """
CREATE OR REPLACE FUNCTION hub_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""

FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION hub_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT translate($1, '{source}', '{target}') $$
"""


def available(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
    return cursor.fetchone() is not None


def create(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        if available(cursor, "pg_trgm"):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        if available(cursor, "unaccent"):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            # Schema-qualified, so the function does not depend on the search_path of whoever calls it.
            cursor.execute(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                " WHERE e.extname = 'unaccent'"
            )
            schema = cursor.fetchone()[0]
            cursor.execute(UNACCENT_FUNCTION.format(schema=schema))
        else:
            cursor.execute(FOLD_FUNCTION.format(source=FOLD_FROM, target=FOLD_TO))


def drop(apps: Any, schema_editor: Any) -> None:
    # The extensions stay: other database objects may use them.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION IF EXISTS hub_unaccent(text)")


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create, drop)]
