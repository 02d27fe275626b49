"""Practice pages: the library, a practice, writing one, its review, its versions, and the scale.

Reading pages (`hub_page`) are open without logging in only where the instance opens its hub
(STROM_HUB_PUBLIC), and then show only practices published as public; every other page needs a login.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.public import hub_page
from strom.audit.services import audit_read
from strom.core.downloads import document_response
from strom.core.errors import NotAllowed
from strom.core.forms import validation_error_to_form
from strom.core.htmx import render_htmx
from strom.core.languages import REGION_LANGUAGES, region_language_name
from strom.core.roles import Perm
from strom.directory.models import Organisation
from strom.practices.access import (
    check_member,
    editing_org_ids,
    get_attachment_for,
    get_practice_for,
    is_member,
    is_reviewer,
    may_create,
    may_edit,
    may_review,
)
from strom.practices.forms import (
    AttachmentForm,
    CommentForm,
    LibraryFilterForm,
    PracticeForm,
    PublishForm,
    RatingForm,
    ReturnForm,
    TranslationForm,
    initial_for,
)
from strom.practices.models import TEXT_FIELDS, EvidenceRating, Practice, PracticeContact, PracticeState
from strom.practices.scale import CRITERIA, LEVEL_RULES
from strom.practices.selectors import LibraryFilters, library, record_for, versions_of, work_list
from strom.practices.services import (
    attachment_add,
    attachment_remove,
    comment_add,
    practice_create,
    practice_publish,
    practice_return,
    practice_revise,
    practice_start_review,
    practice_submit,
    practice_translate,
    practice_update,
    practice_withdraw,
    rating_is_complete,
    rating_save,
)
from strom.practices.snapshot import changes


def _organisations(request: AuthenticatedHttpRequest) -> Any:
    if request.user.has_global(Perm.PRACTICES_EDIT):
        return Organisation.objects.filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=editing_org_ids(request.user)).order_by("name")


@hub_page
@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    filters = LibraryFilters(**form.cleaned_data) if form.is_valid() else LibraryFilters()
    versions = library(request.user, filters)
    context = {
        "form": form,
        "versions": versions,
        "filtered": any(vars(filters).values()),
        "may_create": may_create(request.user),
        "has_work": may_create(request.user) or is_reviewer(request.user),
    }
    return render_htmx(request, "practices/list.html", "practices/_results.html", context)


@login_required
@require_GET
def practice_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The working copies of the user's organisation and, for reviewers, those waiting for review."""
    practices = list(work_list(request.user))
    context = {
        "mine": [p for p in practices if may_edit(request.user, p)],
        "to_review": [p for p in practices if may_review(request.user, p)],
        "may_create": may_create(request.user),
    }
    return render(request, "practices/work.html", context)


@hub_page
@require_GET
def practice_scale(request: HttpRequest) -> HttpResponse:
    return render(request, "practices/scale.html", {"criteria": CRITERIA, "rules": LEVEL_RULES})


@login_required
@require_http_methods(["GET", "POST"])
def practice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_create(request.user):
        raise NotAllowed
    form = PracticeForm(request.POST or None, organisations=_organisations(request))
    if request.method == "POST" and form.is_valid():
        try:
            practice = practice_create(
                by=request.user, organisation=form.cleaned_data["organisation"], data=form.to_data()
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc, prefix_map={"forms": "forms_of_exploitation"})
        else:
            messages.success(request, _("The practice is saved as a draft."))
            return redirect("practices:detail", practice.pk)
    return render(request, "practices/form.html", {"form": form})


@hub_page
@require_GET
def practice_detail(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id)
    record = record_for(request.user, practice)
    context: dict[str, Any] = {
        "practice": practice,
        "record": record,
        "r": record.data,
        "member": is_member(request.user),
        "attachments": practice.attachments.all(),
        "may_edit": may_edit(request.user, practice),
        "may_review": may_review(request.user, practice),
        "states": PracticeState,
    }
    if record.working_copy:
        context["comments"] = practice.comments.select_related("author")
        context["attachment_form"] = AttachmentForm()
    return render(request, "practices/detail.html", context)


@login_required
@require_GET
def practice_contacts(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    """The contact persons, for members only; loaded on demand and recorded as a read."""
    check_member(request.user)
    practice = get_practice_for(request.user, practice_id)
    contacts = list(PracticeContact.objects.visible_to(request.user).filter(practice=practice).distinct())
    if contacts:
        audit_read(
            actor=request.user,
            object_type="practice_contacts",
            object_ref=practice.pk,
            organisation_id=practice.organisation_id,
            details={"count": len(contacts)},
        )
    context = {"practice": practice, "contacts": contacts}
    return render_htmx(request, "practices/contacts.html", "practices/_contacts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, edit=True)
    if not practice.is_editable:
        messages.error(request, _("Only a draft or a returned practice can be edited."))
        return redirect("practices:detail", practice.pk)
    form = PracticeForm(request.POST or None, organisations=Organisation.objects.none(), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            practice_update(by=request.user, practice=practice, data=form.to_data())
        except ValidationError as exc:
            validation_error_to_form(form, exc, prefix_map={"forms": "forms_of_exploitation"})
        else:
            messages.success(request, _("The practice is saved."))
            return redirect("practices:detail", practice.pk)
    elif request.method == "GET":
        form = PracticeForm(
            initial=initial_for(practice), organisations=Organisation.objects.none(), editing=True
        )
        count = practice.contacts.count()
        if count:
            audit_read(
                actor=request.user,
                object_type="practice_contacts",
                object_ref=practice.pk,
                organisation_id=practice.organisation_id,
                details={"count": count, "via": "edit"},
            )
    return render(request, "practices/form.html", {"form": form, "practice": practice})


def _translation_target(request: HttpRequest, practice: Practice) -> str:
    """The language asked for, else the editor's own, else the first of the region's other languages."""
    others = [code for code, _name in REGION_LANGUAGES if code != practice.original_language]
    asked = request.POST.get("language") or request.GET.get("language") or ""
    own = (get_language() or "en").split("-")[0]
    return next(code for code in (asked, own, *others) if code in others)


@login_required
@require_http_methods(["GET", "POST"])
def practice_translate_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    """The original texts on the left, the same texts in another language on the right."""
    practice = get_practice_for(request.user, practice_id, edit=True)
    if not practice.is_editable:
        messages.error(request, _("Only a draft or a returned practice can be edited."))
        return redirect("practices:detail", practice.pk)
    language = _translation_target(request, practice)
    form = TranslationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            practice_translate(by=request.user, practice=practice, language=language, texts=form.to_texts())
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("practices:detail", practice.pk)
    elif request.method == "GET" and language in practice.get_available_languages():
        practice.set_current_language(language)
        form = TranslationForm(initial={name: getattr(practice, name) for name in TEXT_FIELDS})
    practice.set_current_language(practice.original_language)
    context = {
        "practice": practice,
        "form": form,
        "language": language,
        "language_name": region_language_name(language),
        "original_name": region_language_name(practice.original_language),
        "languages": [(c, n) for c, n in REGION_LANGUAGES if c != practice.original_language],
        "original": {name: getattr(practice, name) for name in TEXT_FIELDS},
    }
    return render(request, "practices/translate.html", context)


def _done(request: HttpRequest, practice: Practice, run: Callable[[], object], message: str) -> HttpResponse:
    """Run one workflow step; a refusal of the state is shown as a message, not an error page."""
    try:
        run()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("practices:detail", practice.pk)


@login_required
@require_POST
def practice_submit_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, edit=True)
    return _done(
        request,
        practice,
        lambda: practice_submit(by=request.user, practice=practice),
        _("The practice is submitted for review."),
    )


@login_required
@require_POST
def practice_revise_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, edit=True)
    return _done(
        request,
        practice,
        lambda: practice_revise(by=request.user, practice=practice),
        _("A new working copy is open; the library shows the published version until the next publication."),
    )


@login_required
@require_POST
def practice_withdraw_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id)
    if not (may_edit(request.user, practice) or may_review(request.user, practice)):
        raise NotAllowed
    return _done(
        request,
        practice,
        lambda: practice_withdraw(by=request.user, practice=practice),
        _("The practice is withdrawn from the library."),
    )


def _review_context(request: AuthenticatedHttpRequest, practice: Practice, **forms: Any) -> dict[str, Any]:
    rating = EvidenceRating.objects.filter(practice=practice).first()
    initial = {f.name: getattr(rating, f.name) for f in EvidenceRating._meta.fields} if rating else {}
    return {
        "practice": practice,
        "r": record_for(request.user, practice).data,
        "rating": rating,
        "rating_complete": rating is not None and rating_is_complete(rating),
        "rating_form": forms.get("rating_form") or RatingForm(initial=initial),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "publish_form": PublishForm(),
        "comments": practice.comments.select_related("author"),
        "criteria": CRITERIA,
        "states": PracticeState,
    }


@login_required
@require_http_methods(["GET", "POST"])
def practice_review(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    """The reviewer's page: the practice, the rating form on the scale, the comments and the decision."""
    practice = get_practice_for(request.user, practice_id, review=True)
    rating_form = RatingForm(request.POST or None)
    if request.method == "POST" and rating_form.is_valid():
        try:
            rating_save(by=request.user, practice=practice, data=rating_form.to_data())
        except ValidationError as exc:
            validation_error_to_form(rating_form, exc)
        else:
            messages.success(request, _("The rating is saved."))
            return redirect("practices:review", practice.pk)
    return render(
        request, "practices/review.html", _review_context(request, practice, rating_form=rating_form)
    )


@login_required
@require_POST
def practice_start_review_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, review=True)
    try:
        practice_start_review(by=request.user, practice=practice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("practices:review", practice.pk)


@login_required
@require_POST
def practice_comment(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id)
    if not (may_edit(request.user, practice) or may_review(request.user, practice)):
        raise NotAllowed
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(by=request.user, practice=practice, body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The comment is added."))
    else:
        messages.error(request, _("Write the comment."))
    target = "practices:review" if may_review(request.user, practice) else "practices:detail"
    return redirect(target, practice.pk)


@login_required
@require_POST
def practice_publish_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, review=True)
    form = PublishForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        version = practice_publish(by=request.user, practice=practice, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("practices:review", practice.pk)
    messages.success(request, _("Version %(number)d is published.") % {"number": version.number})
    return redirect("practices:detail", practice.pk)


@login_required
@require_POST
def practice_return_view(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, review=True)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            practice_return(by=request.user, practice=practice, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The practice is returned to its editors."))
            return redirect("practices:detail", practice.pk)
    context = _review_context(request, practice, return_form=form)
    return render(request, "practices/review.html", context)


@hub_page
@require_GET
def practice_versions(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id)
    versions = versions_of(request.user, practice)
    # Newest first: each version is compared with the one after it in the list (the one before in time).
    rows = [
        {"version": v, "changes": changes(older.data, v.data, v.changed) if older is not None else []}
        for v, older in zip(versions, [*versions[1:], None], strict=True)
    ]
    return render(request, "practices/versions.html", {"practice": practice, "rows": rows})


@login_required
@require_POST
def practice_attachment_add(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = get_practice_for(request.user, practice_id, edit=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                by=request.user,
                practice=practice,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file is attached."))
    else:
        messages.error(request, _("Give a title and choose a file."))
    return redirect("practices:detail", practice.pk)


@login_required
@require_POST
def practice_attachment_remove(request: AuthenticatedHttpRequest, attachment_id: int) -> HttpResponse:
    attachment = get_attachment_for(request.user, attachment_id)
    practice = attachment.practice
    if not may_edit(request.user, practice):
        raise NotAllowed
    return _done(
        request,
        practice,
        lambda: attachment_remove(by=request.user, attachment=attachment),
        _("The file is removed."),
    )


@hub_page
@require_GET
def practice_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = get_attachment_for(request.user, attachment_id)
    with attachment.file.open("rb") as stored:
        data = stored.read()
    return document_response(data, attachment)
