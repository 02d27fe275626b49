"""The case page in tests: its overview and every tab, as a person who opens each one would see them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from strom.core.registry import case_sections

OVERVIEW = ""


def case_parts() -> list[str]:
    """Every tab of the case page after the overview, in the page's order."""
    return ["person", *(s.name for s in case_sections()), "timeline"]


def case_tab_url(ref: str, part: str = OVERVIEW) -> str:
    if part == OVERVIEW:
        return reverse("cases:detail", kwargs={"ref": ref})
    return reverse("cases:part", kwargs={"ref": ref, "part": part})


def case_page(client: Any, ref: str) -> tuple[int, str]:
    """The status of the overview and, when it opens, the text of the overview and of every tab: what
    the single long page showed before the parts became tabs."""
    response = client.get(case_tab_url(ref))
    if response.status_code != 200:
        return response.status_code, ""
    texts = [response.content.decode()]
    for part in case_parts():
        tab = client.get(case_tab_url(ref, part))
        assert tab.status_code == 200, (ref, part, tab.status_code)
        texts.append(tab.content.decode())
    return 200, "\n".join(texts)


def case_page_text(client: Any, ref: str) -> str:
    status, text = case_page(client, ref)
    assert status == 200, (ref, status)
    return text
