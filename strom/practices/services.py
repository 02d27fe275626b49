"""Writes for practices: each validates first, runs in one transaction, checks who may, and is audited.

The workflow (docs/practices.md): draft → submitted → in review → published, or returned to the
editors with a comment (then edited and submitted again). A published practice is withdrawn or revised
(a new working copy; the library keeps showing the published version until the next publication).
Publishing needs a complete rating at a publishable level, and freezes a numbered version. A practice
that has been published never loses its rating: removing or emptying it is refused.

`by` is a user, or a system actor (the demo data) for which the access checks do not apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.casefile.filetypes import check_upload
from strom.core import cache_tokens
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.languages import REGION_LANGUAGES
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import PathwayStep
from strom.practices.access import check_may_create_for, may_edit, may_review
from strom.practices.models import (
    TEXT_FIELDS,
    EvidenceRating,
    Exploitation,
    Practice,
    PracticeAttachment,
    PracticeContact,
    PracticeLink,
    PracticeState,
    PracticeVersion,
    ReviewComment,
    Sector,
    Stage,
    TargetGroup,
    Theme,
    Visibility,
)
from strom.practices.scale import CRITERION_KEYS, MAX_SCORE, PUBLISHABLE, level_for
from strom.practices.selectors import LIBRARY_GENERATION
from strom.practices.snapshot import changed_fields, snapshot

if TYPE_CHECKING:
    from strom.accounts.models import User

MAX_TEXT = 20_000
FIRST_YEAR, LAST_YEAR = 1950, 2100

S = PracticeState


@dataclass
class ContactData:
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class LinkData:
    title: str
    url: str


@dataclass
class PracticeData:
    """Everything an editor writes on a practice, as the form and the API pass it."""

    title: str
    summary: str
    country: str
    problem: str = ""
    what_was_done: str = ""
    results: str = ""
    municipality: Municipality | None = None
    region: str = ""
    organisations: list[Organisation] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    pathway_steps: list[PathwayStep] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    cost_eur: Decimal | None = None
    cost_note: str = ""
    languages: list[str] = field(default_factory=list)
    visibility: str = Visibility.MEMBERS
    contacts: list[ContactData] = field(default_factory=list)
    links: list[LinkData] = field(default_factory=list)
    # The language the texts are written in, for a new practice (its original language); "" is the
    # editor's language where it is one of the region's, else English.
    language: str = ""


@dataclass
class PracticeTexts:
    """A practice's texts in one language: what a translation holds."""

    title: str
    summary: str
    problem: str = ""
    what_was_done: str = ""
    results: str = ""


@dataclass
class RatingData:
    relevance: int | None = None
    relevance_note: str = ""
    evidence: int | None = None
    evidence_note: str = ""
    transferability: int | None = None
    transferability_note: str = ""
    sustainability: int | None = None
    sustainability_note: str = ""


def _is_system(by: User | SystemActor) -> bool:
    return isinstance(by, SystemActor)


def _user_or_none(by: User | SystemActor) -> User | None:
    return None if isinstance(by, SystemActor) else by


def _locked(practice: Practice) -> Practice:
    return Practice.objects.select_for_update().select_related("organisation").get(pk=practice.pk)


def _audit(by: User | SystemActor, action: str, practice: Practice, **details: object) -> None:
    audit_record(
        actor=by,
        action=f"practice.{action}",
        object_type="practice",
        object_ref=practice.pk,
        organisation_id=practice.organisation_id,
        details=dict(details),
    )


def _check_edit(by: User | SystemActor, practice: Practice) -> None:
    if not _is_system(by) and not may_edit(by, practice):
        raise NotAllowed


def _check_review(by: User | SystemActor, practice: Practice) -> None:
    if not _is_system(by) and not may_review(by, practice):
        raise NotAllowed


def _check_state(practice: Practice, allowed: set[str], message: str) -> None:
    if practice.state not in allowed:
        raise ValidationError(message)


# --- the record ---------------------------------------------------------------------------------------


def _clean_codes(errors: dict[str, list[str]], name: str, values: list[str], allowed: list[str]) -> None:
    if any(value not in allowed for value in values):
        errors[name] = [_("Choose from the list.")]


def _clean_people_and_links(errors: dict[str, list[str]], data: PracticeData) -> None:
    for contact in data.contacts:
        if not contact.name.strip():
            errors["contacts"] = [_("Every contact needs a name.")]
        elif contact.email:
            try:
                validate_email(contact.email)
            except ValidationError:
                errors["contacts"] = [_("“%(email)s” is not an e-mail address.") % {"email": contact.email}]
    for link in data.links:
        try:
            URLValidator(schemes=["https", "http"])(link.url)
        except ValidationError:
            errors["links"] = [_("Enter web addresses starting with https://.")]
        if not link.title.strip():
            errors["links"] = [_("Every link needs a title.")]


def _clean(data: PracticeData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Enter a title.")]
    if not data.summary.strip():
        errors["summary"] = [_("Enter a summary: what the practice is, in a few sentences.")]
    for name in ("summary", "problem", "what_was_done", "results"):
        if len(getattr(data, name)) > MAX_TEXT:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": MAX_TEXT}]
    if not is_country(data.country):
        errors["country"] = [_("Choose a country.")]
    elif data.municipality is not None and data.municipality.country != data.country:
        errors["municipality"] = [_("The municipality must be in the practice's country.")]
    for name in ("start_year", "end_year"):
        year = getattr(data, name)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            errors[name] = [
                _("Give a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
    if data.start_year and data.end_year and data.end_year < data.start_year:
        errors["end_year"] = [_("The practice cannot end before it started.")]
    if data.cost_eur is not None and data.cost_eur < 0:
        errors["cost_eur"] = [_("The cost cannot be negative.")]
    _clean_codes(errors, "target_groups", data.target_groups, TargetGroup.values)
    _clean_codes(errors, "forms", data.forms, Exploitation.values)
    _clean_codes(errors, "stages", data.stages, Stage.values)
    _clean_codes(errors, "sectors", data.sectors, Sector.values)
    _clean_codes(errors, "themes", data.themes, Theme.values)
    if data.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may read it.")]
    if any(not re.fullmatch(r"[a-z]{2,3}", code) for code in data.languages):
        errors["languages"] = [_("Write languages as ISO 639 codes, for example en, lv, ru.")]
    _clean_people_and_links(errors, data)
    return errors


def _normalised(data: PracticeData) -> PracticeData:
    data.title = " ".join(data.title.split())
    data.country = data.country.strip().upper()
    data.languages = sorted({code.strip().lower() for code in data.languages if code.strip()})
    for name in ("target_groups", "forms", "stages", "sectors", "themes"):
        setattr(data, name, list(dict.fromkeys(getattr(data, name))))
    return data


FIELDS = [
    "title",
    "summary",
    "problem",
    "what_was_done",
    "results",
    "country",
    "municipality",
    "region",
    "target_groups",
    "forms",
    "stages",
    "sectors",
    "themes",
    "start_year",
    "end_year",
    "cost_eur",
    "cost_note",
    "languages",
    "visibility",
]


# The other fields are columns of the practice itself.
COLUMNS = [name for name in FIELDS if name not in TEXT_FIELDS]


def _original_language(data: PracticeData) -> str:
    language = data.language or (get_language() or "en").split("-")[0]
    return language if language in dict(REGION_LANGUAGES) else "en"


def _write(practice: Practice, data: PracticeData) -> None:
    """The texts go to the practice's original language (parler's current language of the row)."""
    practice.set_current_language(practice.original_language)
    for name in FIELDS:
        value = getattr(data, name)
        setattr(practice, name, value.strip() if isinstance(value, str) and name != "title" else value)


def _write_related(practice: Practice, data: PracticeData) -> None:
    practice.organisations.set(data.organisations)
    practice.pathway_steps.set(data.pathway_steps)
    practice.contacts.all().delete()
    PracticeContact.objects.bulk_create(
        PracticeContact(
            practice=practice,
            name=" ".join(c.name.split()),
            function=c.function.strip()[:300],
            email=c.email.strip().lower(),
            phone=c.phone.strip(),
            position=position,
        )
        for position, c in enumerate(data.contacts)
    )
    practice.links.all().delete()
    PracticeLink.objects.bulk_create(
        PracticeLink(
            practice=practice, title=link.title.strip()[:300], url=link.url.strip(), position=position
        )
        for position, link in enumerate(data.links)
    )


@transaction.atomic
def practice_create(*, by: User | SystemActor, organisation: Organisation, data: PracticeData) -> Practice:
    """A new draft kept by `organisation`, whose editor `by` must be."""
    if not _is_system(by):
        check_may_create_for(by, organisation.pk)
    data = _normalised(data)
    errors = _clean(data)
    if errors:
        raise ValidationError(errors)
    practice = Practice(
        organisation=organisation,
        created_by=_user_or_none(by),
        state=S.DRAFT,
        original_language=_original_language(data),
    )
    _write(practice, data)
    practice.save(force_insert=True)
    _write_related(practice, data)
    _audit(by, "create", practice, contacts=len(data.contacts), links=len(data.links))
    return practice


@transaction.atomic
def practice_update(*, by: User | SystemActor, practice: Practice, data: PracticeData) -> Practice:
    """Change the working copy, while it is a draft or returned to the editors."""
    _check_edit(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.DRAFT, S.RETURNED}, _("Only a draft or a returned practice can be edited."))
    data = _normalised(data)
    errors = _clean(data)
    if errors:
        raise ValidationError(errors)
    locked.set_current_language(locked.original_language)
    before = {name: getattr(locked, name) for name in FIELDS}
    _write(locked, data)
    # The texts are saved with their language's row (parler saves the translations after the columns).
    locked.save(update_fields=[*COLUMNS, "updated_at"])
    _write_related(locked, data)
    changed = [name for name in FIELDS if before[name] != getattr(locked, name)]
    _audit(by, "update", locked, fields=changed, contacts=len(data.contacts), links=len(data.links))
    return locked


@transaction.atomic
def practice_translate(
    *, by: User | SystemActor, practice: Practice, language: str, texts: PracticeTexts
) -> Practice:
    """Write the practice's texts in another language than its original one, beside it. Like every
    change of the working copy, it is read once the practice is published again."""
    _check_edit(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.DRAFT, S.RETURNED}, _("Only a draft or a returned practice can be edited."))
    if language not in dict(REGION_LANGUAGES) or language == locked.original_language:
        raise ValidationError(
            {"language": [_("Choose another language of the region than the original one.")]}
        )
    errors: dict[str, list[str]] = {}
    if not texts.title.strip():
        errors["title"] = [_("Enter a title.")]
    if not texts.summary.strip():
        errors["summary"] = [_("Enter a summary: what the practice is, in a few sentences.")]
    if errors:
        raise ValidationError(errors)
    locked.set_current_language(language)
    for name in TEXT_FIELDS:
        value: str = getattr(texts, name)
        setattr(locked, name, " ".join(value.split()) if name == "title" else value.strip())
    locked.save(update_fields=["updated_at"])
    _audit(by, "translate", locked, language=language)
    return locked


# --- the workflow -------------------------------------------------------------------------------------


@transaction.atomic
def practice_submit(*, by: User | SystemActor, practice: Practice) -> Practice:
    _check_edit(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.DRAFT, S.RETURNED}, _("Only a draft or a returned practice can be submitted."))
    locked.state = S.SUBMITTED
    locked.save(update_fields=["state", "updated_at"])
    _audit(by, "submit", locked)
    return locked


@transaction.atomic
def practice_start_review(*, by: User | SystemActor, practice: Practice) -> Practice:
    _check_review(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.SUBMITTED}, _("Only a submitted practice can be taken into review."))
    locked.state = S.IN_REVIEW
    locked.save(update_fields=["state", "updated_at"])
    _audit(by, "start_review", locked)
    return locked


def _has_been_published(practice: Practice) -> bool:
    return practice.versions.exists()


def _check_scores(data: RatingData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key in CRITERION_KEYS:
        score = getattr(data, key)
        if score is not None and not 0 <= score <= MAX_SCORE:
            errors[key] = [_("Give a score from 0 to %(max)d.") % {"max": MAX_SCORE}]
        elif score is not None and not getattr(data, f"{key}_note").strip():
            errors[f"{key}_note"] = [_("Write why this score: the scale asks for a justification.")]
    return errors


def _is_complete(data: RatingData | EvidenceRating) -> bool:
    return all(
        getattr(data, key) is not None and getattr(data, f"{key}_note").strip() for key in CRITERION_KEYS
    )


def rating_is_complete(rating: EvidenceRating) -> bool:
    """Four scores, each with its justification: what publishing needs."""
    return _is_complete(rating)


def _loses_rating() -> ValidationError:
    return ValidationError(_("A published practice cannot lose its rating criteria."), code="rating_kept")


@transaction.atomic
def rating_save(*, by: User | SystemActor, practice: Practice, data: RatingData) -> EvidenceRating:
    """The reviewer's scores, while the practice is in review. Scores may come one by one, except on a
    practice that has been published: its rating is replaced only by another complete one."""
    _check_review(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.IN_REVIEW}, _("A practice is rated while it is in review."))
    errors = _check_scores(data)
    if errors:
        raise ValidationError(errors)
    if _has_been_published(locked) and not _is_complete(data):
        raise _loses_rating()
    scores = {key: getattr(data, key) for key in CRITERION_KEYS}
    rating = EvidenceRating.objects.select_for_update().filter(practice=locked).first()
    if rating is None:
        rating = EvidenceRating(practice=locked)
    rating.reviewer = _user_or_none(by)
    for key in CRITERION_KEYS:
        setattr(rating, key, scores[key])
        setattr(rating, f"{key}_note", getattr(data, f"{key}_note").strip())
    rating.level = level_for(scores)
    if rating.pk is None:
        rating.save(force_insert=True)
    else:
        rating.save(
            update_fields=[
                "reviewer",
                *CRITERION_KEYS,
                *(f"{k}_note" for k in CRITERION_KEYS),
                "level",
                "rated_at",
            ]
        )
    _audit(
        by, "rate", locked, level=rating.level, scored=[k for k in CRITERION_KEYS if scores[k] is not None]
    )
    return rating


@transaction.atomic
def rating_remove(*, by: User | SystemActor, practice: Practice) -> None:
    """Start the rating again; refused once the practice has been published."""
    _check_review(by, practice)
    locked = _locked(practice)
    if _has_been_published(locked):
        raise _loses_rating()
    _check_state(locked, {S.IN_REVIEW}, _("A practice is rated while it is in review."))
    deleted, _rows = EvidenceRating.objects.filter(practice=locked).delete()
    if deleted:
        _audit(by, "rating_remove", locked)


@transaction.atomic
def comment_add(*, by: User | SystemActor, practice: Practice, body: str) -> ReviewComment:
    """A reviewer's comment, or an editor's answer, while the practice is with the reviewers."""
    if not _is_system(by) and not (may_review(by, practice) or may_edit(by, practice)):
        raise NotAllowed
    locked = _locked(practice)
    _check_state(
        locked,
        {S.SUBMITTED, S.IN_REVIEW, S.RETURNED},
        _("Comments are written while the practice is reviewed."),
    )
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Write the comment.")]})
    if len(body) > MAX_TEXT:
        raise ValidationError({"body": [_("At most %(limit)d characters.") % {"limit": MAX_TEXT}]})
    comment = ReviewComment(practice=locked, author=_user_or_none(by), body=body)
    comment.save(force_insert=True)
    _audit(by, "comment", locked, comment=comment.pk)
    return comment


@transaction.atomic
def practice_return(*, by: User | SystemActor, practice: Practice, comment: str) -> Practice:
    """Back to the editors, saying what to change."""
    _check_review(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.SUBMITTED, S.IN_REVIEW}, _("Only a practice with the reviewers can be returned."))
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what the editors should change.")]})
    ReviewComment(
        practice=locked, author=_user_or_none(by), kind=ReviewComment.Kind.RETURNED, body=comment.strip()
    ).save(force_insert=True)
    locked.state = S.RETURNED
    locked.save(update_fields=["state", "updated_at"])
    _audit(by, "return", locked)
    return locked


@transaction.atomic
def practice_publish(*, by: User | SystemActor, practice: Practice, comment: str = "") -> PracticeVersion:
    """Publish the practice as its next numbered version, with its complete rating."""
    _check_review(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.IN_REVIEW}, _("Only a practice in review can be published."))
    rating = EvidenceRating.objects.filter(practice=locked).first()
    if rating is None or not rating_is_complete(rating):
        raise ValidationError(_("Rate all four criteria, each with its justification, before publishing."))
    if rating.level not in PUBLISHABLE:
        raise ValidationError(
            _("The rating is below “emerging”: return the practice instead of publishing it.")
        )
    data = snapshot(locked)
    previous = PracticeVersion.objects.select_for_update().filter(practice=locked).order_by("-number").first()
    PracticeVersion.objects.filter(practice=locked, is_current=True).update(is_current=False)
    version = PracticeVersion(
        practice=locked,
        number=(previous.number + 1) if previous else 1,
        is_current=True,
        title=data["title"],
        country=locked.country,
        public=locked.visibility == Visibility.PUBLIC,
        level=rating.level,
        stages=list(locked.stages),
        forms=list(locked.forms),
        sectors=list(locked.sectors),
        themes=list(locked.themes),
        data=data,
        changed=changed_fields(previous.data if previous else None, data),
        published_at=timezone.now(),
        published_by=_user_or_none(by),
    )
    version.save(force_insert=True)
    cache_tokens.renew(LIBRARY_GENERATION)
    if comment.strip():
        ReviewComment(
            practice=locked, author=_user_or_none(by), kind=ReviewComment.Kind.PUBLISHED, body=comment.strip()
        ).save(force_insert=True)
    locked.state = S.PUBLISHED
    locked.save(update_fields=["state", "updated_at"])
    _audit(by, "publish", locked, version=version.number, level=rating.level, public=version.public)
    return version


@transaction.atomic
def practice_withdraw(*, by: User | SystemActor, practice: Practice) -> Practice:
    """Take the practice out of the library; its versions stay for the record."""
    if not _is_system(by) and not (may_edit(by, practice) or may_review(by, practice)):
        raise NotAllowed
    locked = _locked(practice)
    _check_state(locked, {S.PUBLISHED}, _("Only a published practice can be withdrawn."))
    PracticeVersion.objects.filter(practice=locked, is_current=True).update(is_current=False)
    cache_tokens.renew(LIBRARY_GENERATION)
    locked.state = S.WITHDRAWN
    locked.save(update_fields=["state", "updated_at"])
    _audit(by, "withdraw", locked)
    return locked


@transaction.atomic
def practice_revise(*, by: User | SystemActor, practice: Practice) -> Practice:
    """Open a new working copy of a published (or withdrawn) practice; the library keeps the published
    version until the next publication."""
    _check_edit(by, practice)
    locked = _locked(practice)
    _check_state(
        locked, {S.PUBLISHED, S.WITHDRAWN}, _("Only a published or withdrawn practice can be revised.")
    )
    locked.state = S.DRAFT
    locked.save(update_fields=["state", "updated_at"])
    _audit(by, "revise", locked)
    return locked


# --- attachments ----------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, by: User | SystemActor, practice: Practice, title: str, file: UploadedFile
) -> PracticeAttachment:
    """A file on the working copy; its type is read from its content, its size is limited."""
    _check_edit(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.DRAFT, S.RETURNED}, _("Only a draft or a returned practice can be edited."))
    limit = settings.STROM_UPLOAD_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}]}
        )
    data = file.read()
    file.seek(0)
    kind = check_upload(file.name or "", data)
    if not title.strip():
        raise ValidationError({"title": [_("Enter a title.")]})
    attachment = PracticeAttachment(
        practice=locked,
        title=" ".join(title.split())[:300],
        original_name=(file.name or "file")[-255:],
        content_type=kind.content_type,
        size=len(data),
        uploaded_by=_user_or_none(by),
    )
    # Stored under a name of our own: the uploader's file name is kept as data, not as a path.
    file.name = f"{locked.pk}{kind.extensions[0]}"
    attachment.file = file
    attachment.save(force_insert=True)
    _audit(by, "attachment_add", locked, attachment=attachment.pk, type=kind.key)
    return attachment


@transaction.atomic
def attachment_remove(*, by: User | SystemActor, attachment: PracticeAttachment) -> None:
    practice = attachment.practice
    _check_edit(by, practice)
    locked = _locked(practice)
    _check_state(locked, {S.DRAFT, S.RETURNED}, _("Only a draft or a returned practice can be edited."))
    name = attachment.file.name
    PracticeAttachment.objects.filter(pk=attachment.pk, practice=locked).delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: attachment.file.storage.delete(name))
    _audit(by, "attachment_remove", locked, attachment=attachment.pk)
