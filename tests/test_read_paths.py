"""One read path: who may see a thing is decided in one place, and everything that shows it asks there.

- Every `get_<thing>_for(user, ...)` (the object or NotAllowed) is defined in an app's `access.py`,
  never in a view, a selector or an API module, and never renamed on import or by assignment, so a
  reader looking for the rule finds one function under one name.
- The case page's sections and the case's timeline sources read through the rows' `visible_to(user)`
  and the apps' access functions, not through the case they are handed: given a case the viewer may
  not see, they show nothing of it. (The case page hands them only cases from `get_case_for`; this
  proves they do not depend on it.) tests/test_case_page_visibility.py checks the other direction:
  what each viewer of the case sees.

Every model with personal data having `visible_to(user)` is tests/test_personal_data_models.py; it
derives the models from the installed apps, so a new app's models are covered the day they exist.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from strom.accounts.models import User
from strom.cases.models import Case
from strom.core.registry import case_sections, case_sections_context, timeline_for
from tests.personas import Cast
from tests.referral_scope import RECIPIENT, refer_cases_to_recipient
from tests.test_case_page_visibility import _holder, _seed
from tests.test_personal_data_models import personal_data_models

ROOT = Path(__file__).resolve().parent.parent / "strom"
GET_FOR = re.compile(r"^get_\w+_for$")


# --- every get_*_for in access.py -----------------------------------------------------------------------


def access_functions_elsewhere(source: str, filename: str = "<source>") -> list[str]:
    """`file:line name` of a `get_*_for` defined outside an access module, or of another name given to
    one (`from x import get_case_for as get_case`, `get_case = get_case_for`)."""
    found = []
    in_access = Path(filename).name == "access.py"
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and GET_FOR.match(node.name):
            if not in_access:
                found.append(f"{filename}:{node.lineno} def {node.name}")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if GET_FOR.match(alias.name) and alias.asname not in (None, alias.name):
                    found.append(f"{filename}:{node.lineno} {alias.name} as {alias.asname}")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            name = value.id if isinstance(value, ast.Name) else getattr(value, "attr", "")
            if isinstance(name, str) and GET_FOR.match(name):
                found.append(f"{filename}:{node.lineno} another name for {name}")
    return found


def _modules() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" not in parts and "tests" not in parts:
            yield path


def test_every_get_for_is_defined_in_an_access_module() -> None:
    offenders = [
        hit
        for path in _modules()
        for hit in access_functions_elsewhere(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT.parent).as_posix()
        )
    ]
    assert not offenders, "move these to the app's access.py, under their own name: " + ", ".join(offenders)


def test_the_check_reads_the_access_modules_it_allows() -> None:
    defined = {
        node.name
        for path in ROOT.glob("*/access.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and GET_FOR.match(node.name)
    }
    assert {"get_case_for", "get_referral_for", "get_note_for", "get_service_for"} <= defined


@pytest.mark.parametrize(
    ("filename", "source", "flagged"),
    [
        ("strom/x/views.py", "def get_thing_for(user, pk):\n    pass\n", True),
        ("strom/x/selectors.py", "class A:\n    def get_thing_for(self, user):\n        pass\n", True),
        ("strom/x/views.py", "from strom.cases.access import get_case_for as get_case\n", True),
        ("strom/x/views.py", "from strom.cases import access\nget_case = access.get_case_for\n", True),
        ("strom/x/access.py", "def get_thing_for(user, pk):\n    pass\n", False),
        ("strom/x/views.py", "from strom.cases.access import get_case_for\n", False),
        ("strom/x/views.py", "def get_thing(request, pk):\n    pass\n", False),
    ],
)
def test_the_check_tells_an_access_function_out_of_place(filename: str, source: str, flagged: bool) -> None:
    assert bool(access_functions_elsewhere(source, filename)) is flagged


# --- sections and timeline sources ask the viewer's rule ------------------------------------------------


def _rows(value: Any, depth: int = 0) -> Iterator[models.Model]:
    """The model rows in a section's context value: directly, in lists, dicts and querysets, or in the
    fields of a dataclass (a coverage row holds its not-needed mark)."""
    if depth > 4:
        return
    if isinstance(value, models.Model):
        yield value
    elif isinstance(value, models.QuerySet):
        yield from value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _rows(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _rows(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _rows(getattr(value, f.name), depth + 1)


def _personal_rows(user: User, case: Case) -> list[str]:
    """The rows of personal data a viewer gets from the case's sections, besides the case itself."""
    personal = tuple(personal_data_models())
    context = case_sections_context(user, case)
    return sorted(
        f"{type(row).__name__}:{row.pk}"
        for row in _rows(context)
        if isinstance(row, personal) and not (isinstance(row, Case) and row.pk == case.pk)
    )


@pytest.mark.django_db
def test_sections_and_timeline_show_nothing_of_a_case_the_viewer_may_not_see(cast: Cast) -> None:
    holder = _holder(cast, cast.org_a)
    assert holder is not None
    case = _seed(cast, cast.org_a, holder)
    refer_cases_to_recipient(cast)  # the receiver of a referral sees it on its own page only
    assert len(case_sections()) >= 5

    viewer = cast.users["supervisor_a"]
    assert Case.objects.visible_to(viewer).filter(pk=case.pk).exists()
    assert len(timeline_for(viewer, case)) >= 10
    assert len(_personal_rows(viewer, case)) >= 8, "the check must see the rows a viewer gets"

    others = {
        name: user
        for name, user in cast.users.items()
        if not Case.objects.visible_to(user).filter(pk=case.pk).exists()
    }
    assert {"caseworker_b", "analyst_a", "orgadmin_a", RECIPIENT} <= set(others)
    for name, user in others.items():
        assert timeline_for(user, case) == [], f"{name} gets timeline entries of a case they may not see"
        rows = _personal_rows(user, case)
        assert rows == [], f"{name} gets rows of a case they may not see from its sections: {rows}"
