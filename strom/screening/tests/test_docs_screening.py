"""docs/screening.md lists every shipped indicator set and version with its source and status, as
rendered from the data: the test fails when the two differ."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from strom.screening import docs
from strom.screening.docs import DOC_PATH, doc_paths, embedded, language_of, render_into, sets_markdown
from strom.screening.indicators import parse_set, shipped, to_document
from strom.screening.management.commands import screening as screening_command


def test_the_doc_lists_every_set_as_the_data_says() -> None:
    for path in doc_paths():  # the English original and every translation
        text = path.read_text(encoding="utf-8")
        language = language_of(path)
        rendered = sets_markdown(language=language).strip()
        assert embedded(text) == rendered, f"run `strom screening docs` ({path})"
        assert render_into(text, language) == text
        for set_id, version in shipped():
            assert f"| `{set_id}` | {version} |" in text


def test_the_list_changes_when_the_data_changes() -> None:
    """A verification, a new mark or a new version shows in the rendered list, so a stale doc fails."""
    sets = dict(shipped())
    before = sets_markdown(sets)
    labour = sets[("ilo-child-labour", 1)]
    checked = to_document(labour)
    checked["source"] |= {"checked_on": "2026-11-30", "verified_by": "National Rapporteur's Office (LV)"}
    sets[("ilo-child-labour", 1)] = parse_set(checked)
    verified = sets_markdown(sets)
    assert verified != before
    assert "verified by National Rapporteur's Office (LV) on 2026-11-30" in verified
    marked = to_document(labour)
    marked["indicators"][0]["to_check"] = True
    sets[("ilo-child-labour", 1)] = parse_set(marked)
    assert f"`{labour.indicators[0].id}`" in sets_markdown(sets)
    sets[("ilo-child-labour", 2)] = parse_set(to_document(labour) | {"version": 2})
    assert "| `ilo-child-labour` | 2 |" in sets_markdown(sets)


def test_the_status_of_the_doubtful_ilo_data_is_in_the_doc() -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `ilo-adult-sexual` | 1 |"))
    assert "unverified; **to be checked against the ILO text** (the whole set)" in row
    row = next(line for line in text.splitlines() if line.startswith("| `ilo-adult-labour` | 1 |"))
    assert "`ADL-VR-13`, `ADL-VR-14`" in row


def test_the_command_fills_the_list_of_every_translation(tmp_path: Path, monkeypatch: Any) -> None:
    original = DOC_PATH.read_text(encoding="utf-8")
    (tmp_path / "screening.md").write_text(original, encoding="utf-8")
    (tmp_path / "lv").mkdir()
    stale = "# Indikatoru skrīnings\n\n<!-- indicator-sets:start -->\nvecs\n<!-- indicator-sets:end -->\n"
    (tmp_path / "lv" / "screening.md").write_text(stale, encoding="utf-8")
    monkeypatch.setattr(docs, "DOCS_DIR", tmp_path)
    monkeypatch.setattr(screening_command, "DOCS_DIR", tmp_path)
    monkeypatch.setattr(screening_command, "doc_paths", lambda: docs.doc_paths(tmp_path))
    with pytest.raises(SystemExit):
        call_command("screening", "docs", "--check", stdout=io.StringIO(), stderr=io.StringIO())
    assert (tmp_path / "lv" / "screening.md").read_text(encoding="utf-8") == stale
    out = io.StringIO()
    call_command("screening", "docs", stdout=out)
    assert f"<!-- translated-from: {docs.source_digest(original)} -->" in out.getvalue()
    # The Latvian file does not say which English text it was made from: it is named as old.
    assert "made from an earlier English text: " in out.getvalue()
    assert "/lv/screening.md." in out.getvalue()
    latvian = (tmp_path / "lv" / "screening.md").read_text(encoding="utf-8")
    assert latvian.startswith("# Indikatoru skrīnings")
    assert embedded(latvian) == sets_markdown(language="lv").strip()
    assert (tmp_path / "screening.md").read_text(encoding="utf-8") == original
    call_command("screening", "docs", "--check", stdout=io.StringIO())
