"""Authorisation expectations for the guidelines routes (tests/test_authorisation.py).

A published guideline is read by every member (hub.view); the outsider, who belongs to no organisation,
is refused, and a visitor without an account is sent to log in (the hub is not public in the tests).
The guideline here is the Latvian national coordinator's office's, scoped to Latvia: coordinator_a
keeps it (own organisation, and coordinator of the scope country). coordinator_b holds guidelines.edit
in Lithuania: may create guidelines there, not touch this one. The system admin holds no
guidelines.edit. Latvia's legal framework summary is kept by coordinator_a only.
"""

from __future__ import annotations

from typing import Any

from strom.guidelines.tests.factories import draft_of, guideline_of, guideline_with_draft
from tests.authz import PERSONAS, Route, expect

READERS = [p for p in PERSONAS if p not in {"outsider", "anonymous"}]
EDITORS = ["coordinator_a"]
CREATORS = ["coordinator_a", "coordinator_b"]


def _guideline(cast: Any) -> dict[str, Any]:
    return {"slug": guideline_of(cast).slug}


def _with_draft(cast: Any) -> dict[str, Any]:
    return {"slug": guideline_with_draft(cast).slug}


def _section(cast: Any) -> dict[str, Any]:
    guideline = guideline_with_draft(cast)
    return {"slug": guideline.slug, "key": draft_of(guideline).sections.order_by("position")[0].key}


def _translate(cast: Any) -> dict[str, Any]:
    return {"slug": guideline_with_draft(cast).slug, "language": "lv"}


def _new(cast: Any) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "title": "Housing for presumed victims",
        "original_language": "en",
        "country": "LV",
        "themes": ["assistance"],
    }


def _api_new(cast: Any) -> dict[str, Any]:
    return {
        "organisation_id": cast.orgs["coordinator_lv"].pk,
        "title": "Housing for presumed victims",
        "country": "LV",
        "themes": ["assistance"],
    }


def _api_draft(cast: Any) -> dict[str, Any]:
    guideline = guideline_with_draft(cast)
    return {"slug": guideline.slug, "number": draft_of(guideline).number}


def _api_section(cast: Any) -> dict[str, Any]:
    guideline = guideline_with_draft(cast)
    draft = draft_of(guideline)
    return {
        "slug": guideline.slug,
        "number": draft.number,
        "key": str(draft.sections.order_by("position")[0].key),
    }


def _api_section_text(cast: Any) -> dict[str, Any]:
    return {**_api_section(cast), "language": "lv"}


def _api_version(cast: Any) -> dict[str, Any]:
    return {"slug": guideline_of(cast).slug, "number": 1}


LATVIA = {"country": "LV"}
ROUTES = [
    Route("guidelines:list", expect=expect(READERS)),
    Route("guidelines:create", expect=expect(CREATORS)),
    # coordinator_b may create, but not for the Latvian office: the form refuses the choice (200).
    Route(
        "guidelines:create",
        method="post",
        data=_new,
        expect=expect(EDITORS, ok=302, overrides={"coordinator_b": 200}),
    ),
    Route("guidelines:profile_edit", kwargs=lambda c: LATVIA, expect=expect(EDITORS)),
    Route(
        "guidelines:profile_edit",
        method="post",
        kwargs=lambda c: LATVIA,
        data=lambda c: {"legal_framework": "The Criminal Law, section 154-1."},
        expect=expect(EDITORS, ok=302),
    ),
    Route("guidelines:detail", kwargs=_guideline, expect=expect(READERS)),
    Route("guidelines:print", kwargs=_guideline, expect=expect(READERS)),
    Route("guidelines:versions", kwargs=_guideline, expect=expect(READERS)),
    Route("guidelines:edit", kwargs=_guideline, expect=expect(EDITORS)),
    Route(
        "guidelines:edit",
        method="post",
        kwargs=_guideline,
        data=lambda c: {"country": "LV", "audience": "Municipal staff", "themes": ["identification"]},
        expect=expect(EDITORS, ok=302),
    ),
    Route("guidelines:draft_start", method="post", kwargs=_guideline, expect=expect(EDITORS, ok=302)),
    Route("guidelines:draft", kwargs=_with_draft, expect=expect(EDITORS)),
    Route(
        "guidelines:draft",
        method="post",
        kwargs=_with_draft,
        data=lambda c: {"title": "Identifying victims", "summary": "Revised."},
        expect=expect(EDITORS, ok=302),
    ),
    Route("guidelines:publish", method="post", kwargs=_with_draft, expect=expect(EDITORS, ok=302)),
    Route(
        "guidelines:section_add",
        method="post",
        kwargs=_with_draft,
        data=lambda c: {"new-heading": "Children", "new-body": "Call child protection."},
        expect=expect(EDITORS, ok=302),
    ),
    Route(
        "guidelines:section_save",
        method="post",
        kwargs=_section,
        data=lambda c: {
            f"{_section(c)['key']}-heading": "Signs to look for",
            f"{_section(c)['key']}-body": "Debt bondage, no documents, no pay.",
        },
        expect=expect(EDITORS, ok=302),
    ),
    Route(
        "guidelines:section_move",
        method="post",
        kwargs=_section,
        data=lambda c: {"direction": "down"},
        expect=expect(EDITORS, ok=302),
    ),
    Route("guidelines:section_delete", method="post", kwargs=_section, expect=expect(EDITORS, ok=302)),
    Route("guidelines:translate", kwargs=_translate, expect=expect(EDITORS)),
    Route(
        "guidelines:translate",
        method="post",
        kwargs=_translate,
        data=lambda c: {"title": "Upuru identificēšana"},
        expect=expect(EDITORS, ok=302),
    ),
    Route(
        "guidelines:language_add",
        method="post",
        kwargs=_guideline,
        data=lambda c: {"language": "ru"},
        expect=expect(EDITORS, ok=302),
    ),
    # The API.
    Route("api:guidelines_list", expect=expect(READERS, anonymous=401)),
    Route(
        "api:guidelines_create",
        method="post",
        json=True,
        data=_api_new,
        expect=expect(EDITORS, ok=201, anonymous=401),
    ),
    Route("api:guidelines_profile", kwargs=lambda c: LATVIA, expect=expect(READERS, anonymous=401)),
    Route(
        "api:guidelines_profile_save",
        method="put",
        json=True,
        kwargs=lambda c: {"country": "LV", "language": "en"},
        data=lambda c: {"legal_framework": "The Criminal Law, section 154-1."},
        expect=expect(EDITORS, anonymous=401),
    ),
    Route("api:guidelines_detail", kwargs=_guideline, expect=expect(READERS, anonymous=401)),
    Route(
        "api:guidelines_update",
        method="patch",
        json=True,
        kwargs=_guideline,
        data=lambda c: {"country": "LV", "themes": ["identification"]},
        expect=expect(EDITORS, anonymous=401),
    ),
    Route("api:guidelines_versions", kwargs=_guideline, expect=expect(READERS, anonymous=401)),
    Route(
        "api:guidelines_draft_start",
        method="post",
        json=True,
        kwargs=_guideline,
        data=lambda c: {"note": "Hotline number"},
        expect=expect(EDITORS, ok=201, anonymous=401),
    ),
    Route("api:guidelines_version", kwargs=_api_version, expect=expect(READERS, anonymous=401)),
    Route(
        "api:guidelines_changes",
        kwargs=_api_version,
        data=lambda c: {"against": 1},
        expect=expect(READERS, anonymous=401),
    ),
    Route(
        "api:guidelines_publish",
        method="post",
        json=True,
        kwargs=_api_draft,
        data=lambda c: {"note": "Checked"},
        expect=expect(EDITORS, anonymous=401),
    ),
    Route(
        "api:guidelines_text_save",
        method="put",
        json=True,
        kwargs=lambda c: {**_api_draft(c), "language": "lv"},
        data=lambda c: {"title": "Upuru identificēšana"},
        expect=expect(EDITORS, anonymous=401),
    ),
    Route(
        "api:guidelines_section_add",
        method="post",
        json=True,
        kwargs=_api_draft,
        data=lambda c: {"heading": "Children", "position": 1},
        expect=expect(EDITORS, ok=201, anonymous=401),
    ),
    Route(
        "api:guidelines_section_text_save",
        method="put",
        json=True,
        kwargs=_api_section_text,
        data=lambda c: {"heading": "Pazīmes", "body": "Parādu verdzība, nav dokumentu."},
        expect=expect(EDITORS, anonymous=401),
    ),
    Route(
        "api:guidelines_section_move",
        method="post",
        json=True,
        kwargs=_api_section,
        data=lambda c: {"up": False},
        expect=expect(EDITORS, anonymous=401),
    ),
    Route(
        "api:guidelines_section_delete",
        method="delete",
        kwargs=_api_section,
        expect=expect(EDITORS, ok=204, anonymous=401),
    ),
    Route(
        "api:guidelines_language_add",
        method="post",
        json=True,
        kwargs=_guideline,
        data=lambda c: {"language": "ru"},
        expect=expect(EDITORS, ok=201, anonymous=401),
    ),
]
