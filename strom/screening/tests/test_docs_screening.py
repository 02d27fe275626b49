"""docs/screening.md lists every shipped indicator set and version with its source and status, as
rendered from the data: the test fails when the two differ."""

from __future__ import annotations

from strom.screening.docs import DOC_PATH, embedded, render_into, sets_markdown
from strom.screening.indicators import parse_set, shipped, to_document


def test_the_doc_lists_every_set_as_the_data_says() -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    assert embedded(text) == sets_markdown().strip(), "run `strom screening docs`"
    assert render_into(text) == text
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
