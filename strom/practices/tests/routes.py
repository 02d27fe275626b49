"""Authorisation expectations for the practices routes (tests/test_authorisation.py).

The practice is organisation A's (Riga Social Service), written by supervisor_a, its one editor
(practices.edit in A). Its reviewers are the national coordinators (practices.review), both outside
organisation A. Every member (hub.view) reads what is published; the outsider, who has no membership,
reads nothing, and the anonymous reader is sent to log in while the instance keeps its hub closed
(STROM_HUB_PUBLIC off, as in the tests; tests/test_pages.py opens it).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.practices.models import PracticeAttachment
from strom.practices.services import attachment_add
from strom.practices.tests.factories import complete_rating, make_practice, practice_of, publish
from tests.authz import PERSONAS, Route, everyone_logged_in, expect
from tests.personas import Cast

MEMBERS = [p for p in PERSONAS if p not in {"anonymous", "outsider"}]
EDITORS = ["supervisor_a", "supervisor_b", "coordinator_a", "coordinator_b"]
EDITOR = ["supervisor_a"]
REVIEWERS = ["coordinator_a", "coordinator_b"]


def _practice(state: str) -> Any:
    return lambda cast: {"practice_id": practice_of(cast, state).pk}


def _form(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.org_a.pk,
        "title": "Mobile outreach to seasonal workers",
        "summary": "Labour inspectors and social workers visit farms together.",
        "country": "LV",
        "stages": ["screening"],
        "visibility": "members",
        "contacts": "Anna Liepa; Inspector; anna@example.test",
        "links": "Guide | https://example.org/guide",
    }


def _upload(cast: Cast) -> dict[str, Any]:
    return {"title": "Evaluation", "file": SimpleUploadedFile("evaluation.pdf", b"%PDF-1.4 evaluation")}


def _attachment(published: bool) -> Any:
    def kwargs(cast: Cast) -> dict[str, Any]:
        key = f"_practices_attachment_{published}"
        if key not in cast.__dict__:
            practice = make_practice(cast, state="draft")
            attachment = attachment_add(
                by=cast.users["supervisor_a"],
                practice=practice,
                title="Evaluation",
                file=SimpleUploadedFile("evaluation.pdf", b"%PDF-1.4 evaluation"),
            )
            if published:
                publish(cast, practice)
            cast.__dict__[key] = attachment
        found: PracticeAttachment = cast.__dict__[key]
        return {"attachment_id": found.pk}

    return kwargs


def _rating_form(cast: Cast) -> dict[str, Any]:
    return {k: v if v is not None else "" for k, v in vars(complete_rating()).items()}


def _api_practice(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.org_a.pk,
        "title": "Mobile outreach to seasonal workers",
        "summary": "Labour inspectors and social workers visit farms together.",
        "country": "LV",
        "stages": ["screening"],
        "contacts": [{"name": "Anna Liepa", "email": "anna@example.test"}],
    }


ROUTES = [
    Route("practices:list", expect=everyone_logged_in()),
    Route("practices:work", expect=everyone_logged_in()),
    Route("practices:scale", expect=everyone_logged_in()),
    Route("practices:create", expect=expect(EDITORS)),
    # The other editors may write for their own organisations, not for A: the form refuses the choice.
    Route(
        "practices:create",
        method="post",
        data=_form,
        expect=expect(EDITOR, ok=302, overrides={p: 200 for p in EDITORS if p not in EDITOR}),
    ),
    Route("practices:detail", kwargs=_practice("published"), expect=expect(MEMBERS)),
    Route(
        "practices:detail", kwargs=_practice("draft"), expect=expect(EDITOR), note="a draft: its editors only"
    ),
    Route(
        "practices:detail",
        kwargs=_practice("submitted"),
        expect=expect([*EDITOR, *REVIEWERS]),
        note="submitted: its editors and the reviewers",
    ),
    Route("practices:contacts", kwargs=_practice("published"), expect=expect(MEMBERS)),
    Route("practices:edit", kwargs=_practice("draft"), expect=expect(EDITOR)),
    Route(
        "practices:edit",
        method="post",
        kwargs=_practice("draft"),
        data=lambda cast: {k: v for k, v in _form(cast).items() if k != "organisation"},
        expect=expect(EDITOR, ok=302),
    ),
    Route("practices:translate", kwargs=_practice("draft"), expect=expect(EDITOR)),
    Route(
        "practices:translate",
        method="post",
        kwargs=_practice("draft"),
        data=lambda cast: {
            "language": "lv",
            "title": "Mobilā izbraukuma darbs",
            "summary": "Kopīgi apmeklējumi.",
        },
        expect=expect(EDITOR, ok=302),
    ),
    Route("practices:submit", method="post", kwargs=_practice("draft"), expect=expect(EDITOR, ok=302)),
    Route("practices:review", kwargs=_practice("submitted"), expect=expect(REVIEWERS)),
    Route(
        "practices:review",
        method="post",
        kwargs=_practice("in_review"),
        data=_rating_form,
        expect=expect(REVIEWERS, ok=302),
    ),
    Route(
        "practices:start_review",
        method="post",
        kwargs=_practice("submitted"),
        expect=expect(REVIEWERS, ok=302),
    ),
    Route(
        "practices:comment",
        method="post",
        kwargs=_practice("submitted"),
        data=lambda cast: {"body": "Please add the costs."},
        expect=expect([*EDITOR, *REVIEWERS], ok=302),
    ),
    Route("practices:publish", method="post", kwargs=_practice("rated"), expect=expect(REVIEWERS, ok=302)),
    Route(
        "practices:return",
        method="post",
        kwargs=_practice("submitted"),
        data=lambda cast: {"comment": "Please add the costs."},
        expect=expect(REVIEWERS, ok=302),
    ),
    Route(
        "practices:withdraw",
        method="post",
        kwargs=_practice("published"),
        expect=expect([*EDITOR, *REVIEWERS], ok=302),
    ),
    Route("practices:revise", method="post", kwargs=_practice("published"), expect=expect(EDITOR, ok=302)),
    Route("practices:versions", kwargs=_practice("published"), expect=expect(MEMBERS)),
    Route(
        "practices:attachment_add",
        method="post",
        kwargs=_practice("draft"),
        data=_upload,
        expect=expect(EDITOR, ok=302),
    ),
    Route("practices:attachment", kwargs=_attachment(published=True), expect=expect(MEMBERS)),
    Route(
        "practices:attachment_remove",
        method="post",
        kwargs=_attachment(published=False),
        expect=expect(EDITOR, ok=302),
    ),
    Route("api:practices_list", expect=everyone_logged_in(anonymous=401)),
    Route(
        "api:practices_create",
        method="post",
        json=True,
        data=_api_practice,
        expect=expect(EDITOR, ok=201, anonymous=401),
    ),
    Route("api:practices_detail", kwargs=_practice("published"), expect=expect(MEMBERS, anonymous=401)),
    Route(
        "api:practices_update",
        method="put",
        json=True,
        kwargs=_practice("draft"),
        data=lambda cast: {k: v for k, v in _api_practice(cast).items() if k != "organisation_id"},
        expect=expect(EDITOR, anonymous=401),
    ),
    Route("api:practices_contacts", kwargs=_practice("published"), expect=expect(MEMBERS, anonymous=401)),
    Route("api:practices_versions", kwargs=_practice("published"), expect=expect(MEMBERS, anonymous=401)),
    Route(
        "api:practices_submit", method="post", kwargs=_practice("draft"), expect=expect(EDITOR, anonymous=401)
    ),
    Route(
        "api:practices_start_review",
        method="post",
        kwargs=_practice("submitted"),
        expect=expect(REVIEWERS, anonymous=401),
    ),
    Route(
        "api:practices_rate",
        method="put",
        json=True,
        kwargs=_practice("in_review"),
        data=lambda cast: vars(complete_rating()),
        expect=expect(REVIEWERS, anonymous=401),
    ),
    Route(
        "api:practices_comment",
        method="post",
        json=True,
        kwargs=_practice("submitted"),
        data=lambda cast: {"body": "Please add the costs."},
        expect=expect([*EDITOR, *REVIEWERS], ok=201, anonymous=401),
    ),
    Route(
        "api:practices_publish",
        method="post",
        json=True,
        kwargs=_practice("rated"),
        data=lambda cast: {},
        expect=expect(REVIEWERS, anonymous=401),
    ),
    Route(
        "api:practices_return",
        method="post",
        json=True,
        kwargs=_practice("submitted"),
        data=lambda cast: {"comment": "Please add the costs."},
        expect=expect(REVIEWERS, anonymous=401),
    ),
    Route(
        "api:practices_withdraw",
        method="post",
        kwargs=_practice("published"),
        expect=expect([*EDITOR, *REVIEWERS], anonymous=401),
    ),
    Route(
        "api:practices_revise",
        method="post",
        kwargs=_practice("published"),
        expect=expect(EDITOR, anonymous=401),
    ),
]
