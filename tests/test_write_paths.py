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
    """Every app's services modules (`services.py`, `services_rules.py`, `set_services.py`, ...)."""
    return sorted(ROOT.glob("*/*services*.py"))


def _access_modules() -> list[Path]:
    """Where a refusal is decided: every services module and every app's access and selectors."""
    return sorted({*_services_modules(), *ROOT.glob("*/access*.py"), *ROOT.glob("*/selectors*.py")})


def test_the_check_reads_every_services_module() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _services_modules()}
    assert {"referrals/services.py", "support/services.py", "stages/services.py"} <= names
    # A second subject's writes are named after it and checked as well.
    assert {
        "cases/services_retention.py",
        "screening/services_recheck.py",
        "stages/services_rules.py",
    } <= names
    # A new app is covered the day it has a services module: none is left out.
    apps_with_services = {p.parent.name for p in ROOT.glob("*/services.py")}
    assert apps_with_services == {p.parent.name for p in _services_modules() if p.name == "services.py"}
    assert {"cases/access.py", "stages/access.py"} <= {
        p.relative_to(ROOT).as_posix() for p in _access_modules()
    }


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


# --- explicit parameters --------------------------------------------------------------------------------


def _is_any(annotation: ast.expr | None) -> bool:
    """No annotation, `Any` or `typing.Any` (also as a string): a parameter that says nothing."""
    if annotation is None:
        return True
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value in ("Any", "typing.Any")
    if isinstance(annotation, ast.Name):
        return annotation.id == "Any"
    return isinstance(annotation, ast.Attribute) and annotation.attr == "Any"


def catch_all_parameters(source: str, filename: str = "<source>") -> list[str]:
    """`file:line name` of every public module-level function taking `**data: Any` (or unannotated).

    Parameters are keyword-only and typed; a function whose fields are all optional may take
    `**fields: Unpack[SomeTypedDict]`, which names and types every key.
    """
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{node.lineno} {node.name}"
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and node.args.kwarg is not None
        and _is_any(node.args.kwarg.annotation)
    ]


def test_no_public_service_takes_a_catch_all_parameter() -> None:
    offenders = [
        hit
        for path in _services_modules()
        for hit in catch_all_parameters(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT.parent).as_posix()
        )
    ]
    assert not offenders, "give explicit keyword-only typed parameters: " + ", ".join(offenders)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("def case_update(*, by, case, **data: Any):\n    pass\n", True),
        ("def case_update(*, by, case, **data: typing.Any):\n    pass\n", True),
        ("def case_update(*, by, case, **data: 'Any'):\n    pass\n", True),
        ("def case_update(*, by, case, **data):\n    pass\n", True),
        ("def case_update(*, by, case, version: int, note: str = ''):\n    pass\n", False),
        ("def case_update(*, by, case, **fields: Unpack[CaseFields]):\n    pass\n", False),
        # Private helpers are the service's own business.
        ("def _audit(by, **details: Any):\n    pass\n", False),
    ],
)
def test_the_check_tells_a_catch_all_from_explicit_parameters(source: str, flagged: bool) -> None:
    assert bool(catch_all_parameters(source)) is flagged


# --- one way to refuse ----------------------------------------------------------------------------------

REFUSALS = {"Http404", "PermissionDenied"}


def _raised_name(exc: ast.expr | None) -> str:
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return ""


def _says_may_not(exc: ast.expr | None) -> bool:
    """`ValidationError(_("You may not …"))`: a refusal dressed as a validation error."""
    if not (isinstance(exc, ast.Call) and _raised_name(exc) == "ValidationError"):
        return False
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and "may not" in node.value.lower()
        for arg in exc.args
        for node in ast.walk(arg)
    )


def http_refusals(source: str, filename: str = "<source>") -> list[str]:
    """`file:line` of every `raise Http404`, `raise PermissionDenied` or "you may not" ValidationError."""
    tree = ast.parse(source, filename=filename)
    return sorted(
        f"{filename}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and (_raised_name(node.exc) in REFUSALS or _says_may_not(node.exc))
    )


def test_services_and_access_functions_refuse_with_not_allowed() -> None:
    offenders = [
        hit
        for path in _access_modules()
        for hit in http_refusals(path.read_text(encoding="utf-8"), path.relative_to(ROOT.parent).as_posix())
    ]
    assert not offenders, "raise strom.core.errors.NotAllowed, which the edges answer: " + ", ".join(
        offenders
    )


def _edge_modules() -> list[Path]:
    """The HTTP edges: every app's api and views modules. They may answer 404 themselves."""
    return sorted({*ROOT.glob("*/api*.py"), *ROOT.glob("*/views*.py")})


def may_not_validation_errors(source: str, filename: str = "<source>") -> list[str]:
    """`file:line` of every "you may not" ValidationError: a refusal dressed as bad input."""
    tree = ast.parse(source, filename=filename)
    return sorted(
        f"{filename}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and _says_may_not(node.exc)
    )


def test_the_edges_refuse_with_not_allowed_not_a_validation_error() -> None:
    offenders = [
        hit
        for path in _edge_modules()
        for hit in may_not_validation_errors(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT.parent).as_posix()
        )
    ]
    assert not offenders, "a refusal is NotAllowed (404), not a ValidationError (422): " + ", ".join(
        offenders
    )


def test_the_edge_check_reads_the_api_and_views_modules() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _edge_modules()}
    assert {"cases/api.py", "screening/api.py", "stages/api_rules.py", "stages/views_rules.py"} <= names
    assert may_not_validation_errors(
        "def f(user):\n    raise ValidationError({'org': [_('You may not open cases here.')]})\n"
    )
    assert not may_not_validation_errors("def f(user):\n    raise Http404\n")


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("def f(user):\n    raise Http404\n", True),
        ("def f(user):\n    raise http.Http404('no')\n", True),
        ("def f(user):\n    raise PermissionDenied\n", True),
        ("def f(user):\n    raise ValidationError(_('You may not edit this case.'))\n", True),
        ("def f(user):\n    raise ValidationError({'org': [_('You may not screen here.')]})\n", True),
        ("def f(user):\n    raise NotAllowed(_('You may not edit this case.'))\n", False),
        ("def f(user):\n    raise ValidationError({'name': [_('Enter a name.')]})\n", False),
        ("def f(user):\n    try:\n        g()\n    except Http404:\n        return None\n", False),
    ],
)
def test_the_check_tells_an_http_refusal_from_not_allowed(source: str, flagged: bool) -> None:
    assert bool(http_refusals(source)) is flagged
