"""Writes to referral pathways: one function, the whole pathway at once, optimistically locked."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from strom.accounts.models import User
from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.core.languages import REGION_LANGUAGES
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import STAGE_ORDER, STEP_TEXT_FIELDS, Pathway, PathwayStage, PathwayStep

STEP_FIELDS = (
    "lead_agency",
    "agency_name",
    "contact_role",
    "contact_person",
    "contact_phone",
    "contact_email",
    "what_to_do",
    "time_limit_days",
    "legal_basis",
)
# The step's columns: what is not language (its texts are STEP_TEXT_FIELDS, one row per language).
STEP_COLUMNS = tuple(name for name in STEP_FIELDS if name not in STEP_TEXT_FIELDS)


@dataclass(frozen=True)
class StepData:
    stage: str
    lead_agency: Organisation | None = None
    agency_name: str = ""
    contact_role: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    what_to_do: str = ""
    time_limit_days: int | None = None
    legal_basis: str = ""


@dataclass(frozen=True)
class StepTexts:
    """A step's texts in one language: what a translation holds."""

    contact_role: str = ""
    what_to_do: str = ""
    legal_basis: str = ""


class PathwayConflict(Exception):
    """Someone saved the pathway since the caller read it."""

    def __init__(self, stored_version: int) -> None:
        super().__init__(stored_version)
        self.stored_version = stored_version


def _validate_step(step: StepData) -> list[str]:
    errors: list[str] = []
    stage_label = PathwayStage(step.stage).label if step.stage in STAGE_ORDER else step.stage
    if step.stage not in STAGE_ORDER:
        errors.append(_("“%(stage)s” is not a stage of the chain of assistance.") % {"stage": step.stage})
        return errors
    if step.lead_agency is None and not step.agency_name.strip():
        errors.append(
            _("%(stage)s: choose the lead agency from the directory or type its name.")
            % {"stage": stage_label}
        )
    if step.lead_agency is not None and not step.lead_agency.is_active:
        errors.append(_("%(stage)s: the lead agency is no longer active.") % {"stage": stage_label})
    if step.time_limit_days is not None and step.time_limit_days < 0:
        errors.append(
            _("%(stage)s: the time limit cannot be negative; leave it empty if there is none.")
            % {"stage": stage_label}
        )
    if step.contact_email:
        try:
            validate_email(step.contact_email)
        except ValidationError:
            errors.append(_("%(stage)s: enter a valid e-mail address.") % {"stage": stage_label})
    return errors


def _replace_steps(pathway: Pathway, steps: list[StepData]) -> None:
    """The pathway's steps become `steps`. A stage kept keeps its row, and so what refers to it (the
    guidelines that explain the step) and its texts in other languages; a stage dropped loses its row
    with its texts, a new one gets one. The texts go to the pathway's original language."""
    kept = {step.stage: step for step in pathway.steps.all()}
    pathway.steps.exclude(stage__in=[step.stage for step in steps]).delete()
    for step in steps:
        columns = {
            "position": STAGE_ORDER[step.stage],
            **{name: getattr(step, name) for name in STEP_COLUMNS},
        }
        row = kept.get(step.stage) or PathwayStep(pathway=pathway, stage=step.stage)
        for name, value in columns.items():
            setattr(row, name, value)
        row.set_current_language(pathway.original_language)
        for name in STEP_TEXT_FIELDS:
            setattr(row, name, getattr(step, name).strip())
        if row.pk is None:
            row.save(force_insert=True)
        else:
            # The texts are saved with their language's row (parler saves the translations after the columns).
            row.save(update_fields=list(columns))


def _original_language() -> str:
    """A new pathway is written in its keeper's language where it is one of the region's, else English."""
    language = (get_language() or "en").split("-")[0]
    return language if language in dict(REGION_LANGUAGES) else "en"


@transaction.atomic
def pathway_save(
    *, by: User | SystemActor, municipality: Municipality, version: int, steps: list[StepData]
) -> Pathway:
    """Replace the pathway's steps. `version` is the one the caller read (0: there was none yet).

    `by` is a system actor only for the demo loader (strom.audit.actors.DEMO)."""
    reviewer = None if isinstance(by, SystemActor) else by
    errors: list[str] = []
    seen: set[str] = set()
    for step in steps:
        if step.stage in seen:
            errors.append(
                _("%(stage)s appears twice; a pathway has one step per stage.")
                % {"stage": PathwayStage(step.stage).label}
            )
        seen.add(step.stage)
        errors.extend(_validate_step(step))
    if not steps:
        errors.append(_("A pathway needs at least one step."))
    if errors:
        raise ValidationError(errors)

    pathway = Pathway.objects.select_for_update().filter(municipality=municipality).first()
    stored_version = pathway.version if pathway else 0
    if stored_version != version:
        raise PathwayConflict(stored_version)
    now = timezone.now()
    created = pathway is None
    if pathway is None:
        pathway = Pathway.objects.create(
            municipality=municipality,
            version=1,
            last_reviewed_at=now,
            last_reviewed_by=reviewer,
            original_language=_original_language(),
        )
    else:
        pathway.version = version + 1
        pathway.last_reviewed_at = now
        pathway.last_reviewed_by = reviewer
        pathway.save(update_fields=["version", "last_reviewed_at", "last_reviewed_by"])
    _replace_steps(pathway, steps)
    audit_record(
        actor=by,
        action="pathway.create" if created else "pathway.update",
        object_type="pathway",
        object_ref=municipality.pk,
        details={"stages": sorted(seen, key=STAGE_ORDER.__getitem__), "version": pathway.version},
    )
    return pathway


def _validate_texts(pathway: Pathway, language: str, texts: dict[str, StepTexts]) -> list[str]:
    errors: list[str] = []
    if language not in dict(REGION_LANGUAGES) or language == pathway.original_language:
        errors.append(_("Choose another language of the region than the original one."))
    stages = set(pathway.steps.values_list("stage", flat=True))
    for stage, step in texts.items():
        label = PathwayStage(stage).label if stage in STAGE_ORDER else stage
        if stage not in stages:
            errors.append(_("“%(stage)s” is not a stage of the chain of assistance.") % {"stage": label})
        elif len(step.contact_role.strip()) > 200:  # the contact role's column
            errors.append(f"{label}: " + _("Write at most %(max)s characters.") % {"max": 200})
    return errors


@transaction.atomic
def pathway_translate(
    *,
    by: User | SystemActor,
    municipality: Municipality,
    version: int,
    language: str,
    texts: dict[str, StepTexts],
) -> Pathway:
    """Write the texts of the pathway's steps in another language than its original one, beside it.
    `texts` maps a stage to its step's texts; a step whose texts are all empty has none in the language,
    and its readers read it in English or the original language. Like every save, it names the version
    it read and makes a new one, and is audited."""
    pathway = Pathway.objects.select_for_update().filter(municipality=municipality).first()
    if pathway is None:
        raise ValidationError(_("This municipality has no referral pathway yet."))
    errors = _validate_texts(pathway, language, texts)
    if errors:
        raise ValidationError(errors)
    if pathway.version != version:
        raise PathwayConflict(pathway.version)
    steps = {step.stage: step for step in pathway.steps.prefetch_related("translations")}
    for stage, step_texts in texts.items():
        row = steps[stage]
        values = {name: getattr(step_texts, name).strip() for name in STEP_TEXT_FIELDS}
        if not any(values.values()):
            if row.has_translation(language):
                # Through parler, which also forgets the row in its cache.
                row.delete_translation(language)
            continue
        row.set_current_language(language)
        for name, value in values.items():
            setattr(row, name, value)
        row.save_translations()
    pathway.version = version + 1
    pathway.save(update_fields=["version"])
    audit_record(
        actor=by,
        action="pathway.translate",
        object_type="pathway",
        object_ref=municipality.pk,
        details={
            "language": language,
            "stages": sorted(texts, key=lambda stage: STAGE_ORDER.get(stage, 99)),
            "version": pathway.version,
        },
    )
    return pathway
