"""The screening documentation is a page reached from the screening pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from strom.core.markdown_lite import render

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
