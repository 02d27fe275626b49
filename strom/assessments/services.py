"""Writes for baseline assessments. Each checks who may, validates first, runs in one transaction and
writes its audit entry; audit details name counts and question names, never an answer's text.
`by` is the member acting, or a named system job (the demo, the command line).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.actionplans.models import AddresseeKind, SourceKind
from strom.actionplans.services import recommendation_create
from strom.assessments import survey as survey_module
from strom.assessments.access import check_may_manage_for, may_answer, may_run
from strom.assessments.models import (
    EDITABLE,
    Finding,
    Questionnaire,
    Response,
    ResponseStatus,
    Round,
    RoundStatus,
)
from strom.assessments.xlsform import XLSFormRejected, parse
from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType
from strom.directory.models import Municipality, Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


def _is_person(by: User | SystemActor) -> bool:
    return not isinstance(by, SystemActor)


# --- questionnaires -------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_import(
    *, by: User | SystemActor, organisation: Organisation, file_name: str, content: bytes
) -> Questionnaire:
    """Validate an XLSForm and keep it as a new questionnaire version. Raises XLSFormRejected with every
    problem by sheet and row, or a ValidationError when its form_id and version are already here."""
    if _is_person(by):
        check_may_manage_for(by, organisation.pk)  # type: ignore[arg-type]  # a User here
    parsed = parse(content, file_name)
    if Questionnaire.objects.filter(form_id=parsed.form_id, version=parsed.version).exists():
        raise ValidationError(
            {
                "file": [
                    _(
                        "Version “%(version)s” of the form “%(form_id)s” is already here. Change the "
                        "version in the settings sheet to add a new version."
                    )
                    % {"version": parsed.version, "form_id": parsed.form_id}
                ]
            }
        )
    questionnaire = Questionnaire(
        form_id=parsed.form_id,
        version=parsed.version,
        title=parsed.title[:300],
        organisation=organisation,
        default_language=parsed.default_language,
        languages=parsed.languages,
        structure=parsed.structure,
        sheets=parsed.sheets,
        source=content,
        source_name=file_name[:200],
    )
    try:
        with transaction.atomic():
            questionnaire.save(force_insert=True)
    except IntegrityError:  # the same version imported at the same moment by someone else
        raise ValidationError({"file": [_("This version of the form was just imported.")]}) from None
    audit_record(
        actor=by,
        action="assessment.questionnaire_import",
        object_type="assessment_questionnaire",
        object_ref=questionnaire.pk,
        organisation_id=organisation.pk,
        details={
            "form_id": parsed.form_id,
            "version": parsed.version,
            "questions": len(questionnaire.survey().questions()),
        },
    )
    return questionnaire


# --- rounds ----------------------------------------------------------------------------------------


def targets(countries: list[str], org_types: list[str]) -> Any:
    """The organisations a round with these countries and types goes to."""
    return Organisation.objects.filter(
        is_active=True, country__in=countries, org_type__in=org_types
    ).order_by("pk")


@transaction.atomic
def round_open(
    *,
    by: User | SystemActor,
    questionnaire: Questionnaire,
    organisation: Organisation,
    title: str,
    deadline: dt.date,
    countries: list[str],
    org_types: list[str],
) -> Round:
    """Open a round of `questionnaire`, run by `organisation`, for every active organisation of the
    given types in the given countries; each gets an empty response."""
    if _is_person(by):
        check_may_manage_for(by, organisation.pk)  # type: ignore[arg-type]  # a User here
    errors: dict[str, list[str]] = {}
    title = " ".join(title.split())
    countries = sorted({c.strip().upper() for c in countries})
    org_types = sorted(set(org_types))
    if not title:
        errors["title"] = [_("Give the round a title.")]
    if not countries or not all(is_country(c) for c in countries):
        errors["countries"] = [_("Choose the countries.")]
    if not org_types or not set(org_types) <= set(OrgType.values):
        errors["org_types"] = [_("Choose the types of organisation.")]
    if deadline <= timezone.localdate():
        errors["deadline"] = [_("Choose a deadline after today.")]
    found = list(targets(countries, org_types)) if not errors else []
    if not errors and not found:
        errors["org_types"] = [_("No organisation of these types in these countries is in the directory.")]
    if errors:
        raise ValidationError(errors)
    round_ = Round.objects.create(
        questionnaire=questionnaire,
        title=title[:300],
        organisation=organisation,
        countries=countries,
        org_types=org_types,
        deadline=deadline,
    )
    Response.objects.bulk_create([Response(round=round_, organisation=o) for o in found])
    audit_record(
        actor=by,
        action="assessment.round_open",
        object_type="assessment_round",
        object_ref=round_.pk,
        organisation_id=organisation.pk,
        details={"questionnaire": questionnaire.pk, "organisations": len(found), "countries": countries},
    )
    return round_


@transaction.atomic
def round_close(*, by: User | SystemActor, round_: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if _is_person(by) and not may_run(by, locked):  # type: ignore[arg-type]  # a User here
        raise NotAllowed
    if locked.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is already closed."))
    locked.status = RoundStatus.CLOSED
    locked.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="assessment.round_close",
        object_type="assessment_round",
        object_ref=locked.pk,
        organisation_id=locked.organisation_id,
    )
    return locked


# --- responses -------------------------------------------------------------------------------------


def _locked_editable(by: User | SystemActor, response: Response, revision: int | None) -> Response:
    locked = (
        Response.objects.select_for_update()
        .select_related("round", "round__questionnaire")
        .get(pk=response.pk)
    )
    if _is_person(by) and not may_answer(by, locked):  # type: ignore[arg-type]  # a User here
        raise NotAllowed
    if locked.round.status != RoundStatus.OPEN:
        raise ValidationError(_("The round is closed: answers can no longer be changed."))
    if locked.status not in EDITABLE:
        raise ValidationError(_("The response is submitted; a coordinator can return it for changes."))
    if revision is not None and revision != locked.revision:
        raise ValidationError(
            {
                "revision": [
                    _(
                        "A colleague saved this response after you opened it. Your answers are still on "
                        "this page: compare them with the saved ones and save again to keep yours."
                    )
                ]
            }
        )
    return locked


def _save(
    *,
    by: User | SystemActor,
    response: Response,
    answers: dict[str, Any],
    language: str,
    revision: int | None,
    submit: bool,
) -> Response:
    locked = _locked_editable(by, response, revision)
    survey = locked.round.questionnaire.survey()
    form_language = survey.language_for(language)
    kept, errors = survey_module.check(survey, answers, language=form_language, complete=submit)
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    now = timezone.now()
    locked.answers = kept
    locked.language = form_language
    locked.revision += 1
    locked.updated_at = now
    fields = ["answers", "language", "revision", "updated_at", "status"]
    if submit:
        locked.status = ResponseStatus.SUBMITTED
        locked.submitted_at = now
        fields.append("submitted_at")
    elif locked.status == ResponseStatus.NOT_STARTED:
        locked.status = ResponseStatus.DRAFT
    locked.save(update_fields=fields)
    audit_record(
        actor=by,
        action="assessment.response_submit" if submit else "assessment.response_save",
        object_type="assessment_response",
        object_ref=locked.pk,
        organisation_id=locked.organisation_id,
        details={"round": locked.round_id, "answered": _count(kept), "revision": locked.revision},
    )
    return locked


def _count(answers: dict[str, Any]) -> int:
    return sum(len(v) if isinstance(v, list) else 1 for v in answers.values())


@transaction.atomic
def response_save(
    *,
    by: User | SystemActor,
    response: Response,
    answers: dict[str, Any],
    language: str,
    revision: int | None = None,
) -> Response:
    """Save answers as a draft: types, relevance, choice filters and constraints are checked, required
    answers not yet. `revision` is the one the respondent started from (None: do not check)."""
    return _save(
        by=by, response=response, answers=answers, language=language, revision=revision, submit=False
    )


@transaction.atomic
def response_submit(
    *,
    by: User | SystemActor,
    response: Response,
    answers: dict[str, Any],
    language: str,
    revision: int | None = None,
) -> Response:
    """Save and submit: every check, required answers included. A constraint that fails is refused
    with the questionnaire's own message in the respondent's language."""
    return _save(by=by, response=response, answers=answers, language=language, revision=revision, submit=True)


@transaction.atomic
def response_return(*, by: User | SystemActor, response: Response, comment: str) -> Response:
    """A coordinator sends a submitted response back to its organisation with comments."""
    locked = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if _is_person(by) and not may_run(by, locked.round):  # type: ignore[arg-type]  # a User here
        raise NotAllowed
    comment = comment.strip()
    if locked.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted response can be returned."))
    if locked.round.status != RoundStatus.OPEN:
        raise ValidationError(_("The round is closed."))
    if not comment:
        raise ValidationError({"comment": [_("Say what should be changed.")]})
    locked.status = ResponseStatus.RETURNED
    locked.return_comment = comment[:5000]
    locked.save(update_fields=["status", "return_comment"])
    audit_record(
        actor=by,
        action="assessment.response_return",
        object_type="assessment_response",
        object_ref=locked.pk,
        organisation_id=locked.organisation_id,
        details={"round": locked.round_id},
    )
    return locked


# --- findings --------------------------------------------------------------------------------------


@transaction.atomic
def finding_record(
    *,
    by: User | SystemActor,
    round_: Round,
    question: str,
    text: str,
    organisation: Organisation,
    addressee_country: str,
    addressee_kind: str = AddresseeKind.MINISTRY,
    addressee_municipality: Municipality | None = None,
    language: str = "en",
) -> Finding:
    """A finding of a round becomes a recommendation (strom/actionplans), kept by `organisation`, which
    action plans then answer with measures."""
    if _is_person(by) and not may_run(by, round_):  # type: ignore[arg-type]  # a User here
        raise NotAllowed
    if question and question not in round_.questionnaire.survey().nodes:
        raise ValidationError({"question": [_("Choose a question of the questionnaire.")]})
    recommendation = recommendation_create(
        by=by,
        organisation=organisation,
        source_kind=SourceKind.ASSESSMENT,
        text=text,
        addressee_country=addressee_country,
        addressee_kind=addressee_kind,
        addressee_municipality=addressee_municipality,
        assessment_reference=f"{round_.title} ({round_.questionnaire.title}, {round_.questionnaire.version})",
        reference=question,
        language=language,
    )
    finding = Finding.objects.create(round=round_, question=question, recommendation=recommendation)
    audit_record(
        actor=by,
        action="assessment.finding_record",
        object_type="assessment_round",
        object_ref=round_.pk,
        organisation_id=organisation.pk,
        details={"question": question, "recommendation": recommendation.pk},
    )
    return finding


__all__ = [
    "XLSFormRejected",
    "finding_record",
    "questionnaire_import",
    "response_return",
    "response_save",
    "response_submit",
    "round_close",
    "round_open",
]
