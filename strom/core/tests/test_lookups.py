from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

pytestmark = pytest.mark.django_db


def _sql(ids: list[int]) -> str:
    sql, _params = ContentType.objects.filter(pk__any_of=ids).query.get_compiler("default").as_sql()
    return str(sql)


def test_any_of_finds_the_rows_in_finds() -> None:
    ids = list(ContentType.objects.order_by("pk").values_list("pk", flat=True)[:7])
    chosen = [*ids[::2], max(ids) + 10_000]
    found = set(ContentType.objects.filter(pk__any_of=chosen).values_list("pk", flat=True))
    assert found == set(ContentType.objects.filter(pk__in=chosen).values_list("pk", flat=True))
    assert found == set(ids[::2])
    assert not ContentType.objects.filter(pk__any_of=[]).exists()


def test_the_statement_is_the_same_however_many_values() -> None:
    # One text for every length: PostgreSQL keeps one plan (strom/core/lookups.py).
    assert _sql([1]) == _sql(list(range(1, 400)))
    assert "= ANY(%s::integer[])" in _sql([1])
