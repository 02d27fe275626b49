"""The screening documentation is a page reached from the screening pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from strom.core.markdown_lite import render
from strom.screening import docs

pytestmark = pytest.mark.django_db


def test_the_screening_page_leads_to_the_documentation(as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    docs = reverse("screening:docs")
    assert f'href="{docs}"' in client.get(reverse("screening:new")).content.decode()
    page = client.get(reverse("screening:new"), {"set": "ilo-adult-labour"}).content.decode()
    assert f'href="{docs}"' in page
    body = client.get(docs).content.decode()
    assert '<h1 id="indicator-screening">Indicator screening</h1>' in body
    assert "<strong>STROM recommends; it never decides.</strong>" in body
    assert "<td><code>ilo-adult-labour</code></td>" in body


def test_the_documentation_is_read_in_the_reader_s_language_or_in_english_with_a_note(
    as_persona: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    client = as_persona("caseworker_a")
    docs_url = reverse("screening:docs")
    english = client.get(docs_url).content.decode()
    assert 'id="doc-in-other-language"' not in english
    client.post(reverse("set_language"), {"language": "lt", "next": "/"})
    english_text = "# Indicator screening\n\nSTROM recommends.\n"
    (tmp_path / "screening.md").write_text(english_text, encoding="utf-8")
    monkeypatch.setattr(docs, "DOCS_DIR", tmp_path)
    lithuanian = client.get(docs_url).content.decode()  # no Lithuanian file here
    assert '<article class="doc" lang="en">' in lithuanian
    assert 'id="doc-in-other-language"' in lithuanian
    assert "Anglų" in lithuanian  # the note names English in Lithuanian
    (tmp_path / "lt").mkdir()
    marker = f"<!-- translated-from: {docs.source_digest(english_text)} -->"
    lithuanian_file = tmp_path / "lt" / "screening.md"
    lithuanian_file.write_text(f"{marker}\n# Indikatorių patikra\n\nSTROM rekomenduoja.\n", encoding="utf-8")
    translated = client.get(docs_url).content.decode()
    assert '<article class="doc" lang="lt">' in translated
    assert "Indikatorių patikra</h1>" in translated
    assert 'id="doc-in-other-language"' not in translated
    assert 'id="doc-needs-update"' not in translated
    # The English text changes: the translation is still shown, saying it needs an update.
    (tmp_path / "screening.md").write_text(english_text + "\nA new paragraph.\n", encoding="utf-8")
    older = client.get(docs_url).content.decode()
    assert "Indikatorių patikra</h1>" in older
    assert 'id="doc-needs-update"' in older


def test_new_data_in_the_generated_list_does_not_make_a_translation_old() -> None:
    text = "# Title\n\n<!-- indicator-sets:start -->\n| a |\n<!-- indicator-sets:end -->\nEnd.\n"
    assert docs.source_digest(text) == docs.source_digest(text.replace("| a |", "| a | b |"))
    assert docs.source_digest(text) != docs.source_digest(text.replace("End.", "The end."))


def test_the_documentation_renderer_escapes_and_keeps_only_web_links() -> None:
    html = render(
        "# A <b>title</b>\n\nText with `<code>` and [a file](../strom/x.py) and "
        "[ILO](https://www.ilo.org/?a=1&b=2).\n\n- one\n  continued\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | x \\| y |\n"
    )
    assert '<h1 id="a-btitleb">A &lt;b&gt;title&lt;/b&gt;</h1>' in html
    assert "<code>&lt;code&gt;</code>" in html
    assert "a file and" in html
    assert "../strom" not in html
    assert '<a href="https://www.ilo.org/?a=1&amp;b=2" rel="noopener">ILO</a>' in html
    assert "<ul><li>one continued</li><li>two</li></ul>" in html
    assert "<td>x | y</td>" in html


def test_every_offered_language_has_the_documentation_made_from_today_s_english_text() -> None:
    from django.conf import settings

    for code, _name in settings.LANGUAGES:
        language, path = docs.doc_for(code)
        assert language == code, f"docs/{code}/screening.md is missing"
        if code != "en":
            assert not docs.needs_update(path.read_text(encoding="utf-8")), f"{path} needs an update"
