"""The docs must say what the code does: the role matrix and every environment variable."""

from __future__ import annotations

import re
from pathlib import Path

from strom.core.roles import matrix_markdown, org_type_roles_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_security_doc_embeds_the_current_role_matrix() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    embedded = text.split("<!-- matrix:start -->\n", 1)[1].split("\n<!-- matrix:end -->", 1)[0]
    assert embedded.strip() == matrix_markdown().strip(), "regenerate the table in docs/security.md"


def test_security_doc_embeds_the_current_roles_by_organisation_type() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    embedded = text.split("<!-- org-type-roles:start -->\n", 1)[1].split("\n<!-- org-type-roles:end -->", 1)[
        0
    ]
    assert embedded.strip() == org_type_roles_markdown().strip(), "regenerate the table in docs/security.md"


def test_readme_lists_every_environment_variable_the_code_reads() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for path in (ROOT / "strom").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        names |= set(
            re.findall(r"""env(?:_bool|_int|_float|_list|_secret)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", source)
        )
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README does not document: {missing}"
