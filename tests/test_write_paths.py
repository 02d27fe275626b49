"""Writes save only the fields they change, on the row they locked.

A bare `obj.save()` writes every column from the object in memory. When that object was read before
another writer committed, the other writer's change is silently undone (a lost update). In the
services modules an existing row is therefore saved with `update_fields=[...]`; a bare `save()` is
allowed only on an object the same function has just constructed (an insert), or with
`force_insert=True`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "strom"


def _constructed_names(function: ast.AST) -> set[str]:
    """Names the function binds to a new instance: `x = Model(...)` (a call of a capitalised name)."""
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            callee = node.value.func
            called = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
            if called[:1].isupper():
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _is_allowed(call: ast.Call, constructed: set[str]) -> bool:
    keywords = {k.arg: k.value for k in call.keywords}
    if "update_fields" in keywords:
        return True
    force_insert = keywords.get("force_insert")
    if isinstance(force_insert, ast.Constant) and force_insert.value is True:
        return True
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    return isinstance(receiver, ast.Name) and receiver.id in constructed


def bare_saves(source: str, filename: str = "<source>") -> list[str]:
    """`file:line` of every `.save()` that may write a whole existing row."""
    tree = ast.parse(source, filename=filename)
    found: list[str] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        constructed = _constructed_names(function)
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "save"
                and not _is_allowed(node, constructed)
            ):
                found.append(f"{filename}:{node.lineno}")
    return sorted(set(found))


def _services_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("services*.py") if "migrations" not in p.parts)


def test_the_check_reads_every_services_module() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _services_modules()}
    assert {"referrals/services.py", "support/services.py", "stages/services.py"} <= names


def test_no_services_module_saves_a_whole_existing_row() -> None:
    offenders = [
        hit
        for path in _services_modules()
        for hit in bare_saves(path.read_text(encoding="utf-8"), path.relative_to(ROOT.parent).as_posix())
    ]
    assert not offenders, (
        "save the row locked with select_for_update, with update_fields=[...]: " + ", ".join(offenders)
    )


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        # The stale-copy pattern this guards against.
        ("def f(referral):\n    referral.state = 'x'\n    referral.save()\n", True),
        ("def f(pk):\n    row = Referral.objects.select_for_update().get(pk=pk)\n    row.save()\n", True),
        ("def f(rows):\n    for row in rows:\n        row.save(force_insert=False)\n", True),
        # Allowed: only named fields, a fresh object, or an explicit insert.
        ("def f(row):\n    row.save(update_fields=['state'])\n", False),
        ("def f():\n    person = Person(name='A')\n    person.save()\n", False),
        ("def f():\n    case = models.Case(ref='X')\n    case.save(force_insert=True)\n", False),
    ],
)
def test_the_check_tells_a_bare_save_from_an_allowed_one(source: str, flagged: bool) -> None:
    assert bool(bare_saves(source)) is flagged
