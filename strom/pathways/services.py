"""Writes to referral pathways: one function, the whole pathway at once, optimistically locked."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.accounts.models import User
from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import STAGE_ORDER, Pathway, PathwayStage, PathwayStep

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
    guidelines that explain the step); a stage dropped loses its row, a new one gets one."""
    kept = {step.stage: step for step in pathway.steps.all()}
    pathway.steps.exclude(stage__in=[step.stage for step in steps]).delete()
    new = []
    for step in steps:
        values = {"position": STAGE_ORDER[step.stage], **{name: getattr(step, name) for name in STEP_FIELDS}}
        row = kept.get(step.stage)
        if row is None:
            new.append(PathwayStep(pathway=pathway, stage=step.stage, **values))
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=list(values))
    PathwayStep.objects.bulk_create(new)


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
            municipality=municipality, version=1, last_reviewed_at=now, last_reviewed_by=reviewer
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
