"""Duplicate review pages: the pairs to review, one pair side by side, merge, dismiss and undo a merge."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.audit.services import audit_read
from strom.cases.models import Person
from strom.linkage.access import can_merge, check_reviewer, get_merge_for, get_pair_for
from strom.linkage.selectors import case_refs, open_pairs_for, undoable_merges_for
from strom.linkage.services import UNDO_DAYS, duplicates_find, merge_undo, pair_dismiss, persons_merge

PAGE_SIZE = 50


@login_required
@require_GET
def pair_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_reviewer(request.user)
    pairs = list(open_pairs_for(request.user)[:PAGE_SIZE])
    merges = list(undoable_merges_for(request.user, timezone.now())[:PAGE_SIZE])
    if pairs or merges:
        audit_read(
            actor=request.user,
            object_type="person",
            object_ref="",
            organisation_id=None,
            details={"list": "duplicates", "pairs": [p.pk for p in pairs], "merges": [m.pk for m in merges]},
        )
    return render(request, "linkage/list.html", {"pairs": pairs, "merges": merges, "undo_days": UNDO_DAYS})


def _side(request: AuthenticatedHttpRequest, person: Person) -> dict[str, object]:
    return {"person": person, "refs": case_refs(request.user, person)}


@login_required
@require_GET
def pair_detail(request: AuthenticatedHttpRequest, pair_id: int) -> HttpResponse:
    pair = get_pair_for(request.user, pair_id)
    audit_read(
        actor=request.user,
        object_type="person",
        object_ref=pair.person_a_id,
        organisation_id=pair.person_a.organisation_id,
        details={"pair": pair.pk, "other": pair.person_b_id},
    )
    context = {
        "pair": pair,
        "sides": [_side(request, pair.person_a), _side(request, pair.person_b)],
        "may_decide": can_merge(request.user, pair.person_a, pair.person_b),
        "undo_days": UNDO_DAYS,
    }
    return render(request, "linkage/pair.html", context)


def _done(request: AuthenticatedHttpRequest, run: Callable[[], object], message: str) -> HttpResponse:
    """Run one decision; a refusal of the state is shown as a message, not an error page."""
    try:
        run()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("linkage:list")


@login_required
@require_POST
def pair_merge(request: AuthenticatedHttpRequest, pair_id: int) -> HttpResponse:
    pair = get_pair_for(request.user, pair_id, write=True)
    keep = pair.person_b if request.POST.get("keep") == "b" else pair.person_a
    return _done(
        request,
        lambda: persons_merge(by=request.user, pair=pair, keep=keep),
        _("The records are merged. You can undo this for %(days)d days.") % {"days": UNDO_DAYS},
    )


@login_required
@require_POST
def pair_dismiss_view(request: AuthenticatedHttpRequest, pair_id: int) -> HttpResponse:
    pair = get_pair_for(request.user, pair_id)
    return _done(
        request,
        lambda: pair_dismiss(by=request.user, pair=pair),
        _("Marked as two different persons."),
    )


@login_required
@require_POST
def merge_undo_view(request: AuthenticatedHttpRequest, merge_id: int) -> HttpResponse:
    merge = get_merge_for(request.user, merge_id, write=True)
    return _done(request, lambda: merge_undo(by=request.user, merge=merge), _("The merge is undone."))


@login_required
@require_POST
def find_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_reviewer(request.user)
    found = duplicates_find(by=request.user)
    messages.success(
        request,
        ngettext("%(n)d new pair to review.", "%(n)d new pairs to review.", found) % {"n": found},
    )
    return redirect("linkage:list")
