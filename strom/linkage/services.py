"""Writes of record linkage: finding and keeping candidate pairs, dismissing them, merging two records of
one person and undoing a merge. One function per operation, each audited inside its transaction.

A merge moves every row that points to the merged person (cases, documents, consents) to the kept
one and records which rows moved, so that `merge_undo` can move them back within UNDO_DAYS. The
merged person keeps its row, without cases, until then; the kept person learns the merged one's
spellings (other names, indexed) and citizenships.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import DUPLICATE_DETECTION, SystemActor
from strom.audit.services import audit_record
from strom.cases.models import Case, Person, PersonNameKey
from strom.cases.reads import case_audit_record
from strom.cases.services import name_keys_for
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.linkage.access import can_merge, check_reviewer, one_organisation
from strom.linkage.engine import Pair
from strom.linkage.models import CandidatePair, PairStatus, PendingCheck, PersonMerge
from strom.linkage.selectors import pairs_among

if TYPE_CHECKING:
    from strom.accounts.models import User

UNDO_DAYS = 30
# Rows of these models are not moved by a merge: name keys are rebuilt, the linkage's own rows stay.
NOT_MOVED = {PersonNameKey, CandidatePair, PersonMerge, PendingCheck}


def pairs_store(*, by: User | SystemActor, pairs: list[Pair], checked: int) -> int:
    """Keep found pairs for review: new ones open, open ones get the new probability; a pair a person
    dismissed or merged stays as decided. Returns the number of new pairs."""
    with transaction.atomic():
        known = {
            (pair.person_a_id, pair.person_b_id): pair
            for pair in CandidatePair.objects.select_for_update().filter(
                person_a_id__in={p.a for p in pairs}, person_b_id__in={p.b for p in pairs}
            )
        }
        new = [
            CandidatePair(person_a_id=p.a, person_b_id=p.b, probability=p.probability)
            for p in pairs
            if (p.a, p.b) not in known
        ]
        CandidatePair.objects.bulk_create(new, batch_size=1000)
        for p in pairs:
            stored = known.get((p.a, p.b))
            if (
                stored is not None
                and stored.status == PairStatus.OPEN
                and stored.probability != p.probability
            ):
                stored.probability = p.probability
                stored.save(update_fields=["probability"])
        audit_record(
            actor=by,
            action="linkage.pairs_found",
            object_type="person",
            details={"compared": checked, "pairs": len(pairs), "new": len(new)},
        )
    return len(new)


def duplicates_find(*, by: User) -> int:
    """On demand: compare every person the user may see, keep the likely pairs for review."""
    check_reviewer(by)
    persons = Person.objects.visible_to(by)
    pairs = pairs_among(persons, min_probability=settings.STROM_LINKAGE_MIN_PROBABILITY)
    return pairs_store(by=by, pairs=pairs, checked=persons.count())


def check_queue(*, person_id: int) -> None:
    """The case_opened hook: the person waits for the worker's next duplicate check."""
    PendingCheck.objects.get_or_create(person_id=person_id)


def pending_checks_run() -> int:
    """The worker's round: each waiting person compared with the persons of their organisation."""
    waiting = list(PendingCheck.objects.select_related("person").order_by("pk")[:1000])
    found = 0
    for organisation_id in sorted({check.person.organisation_id for check in waiting}):
        new_ids = {c.person_id for c in waiting if c.person.organisation_id == organisation_id}
        persons = Person.objects.filter(organisation_id=organisation_id, cases__isnull=False).distinct()
        pairs = [
            p
            for p in pairs_among(persons, min_probability=settings.STROM_LINKAGE_MIN_PROBABILITY)
            if p.a in new_ids or p.b in new_ids
        ]
        found += pairs_store(by=DUPLICATE_DETECTION, pairs=pairs, checked=len(new_ids))
    PendingCheck.objects.filter(pk__in=[c.pk for c in waiting]).delete()
    return found


def _decide(pair: CandidatePair, by: User, status: str) -> None:
    pair.status = status
    pair.decided_by = by
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])


def pair_dismiss(*, by: User, pair: CandidatePair) -> CandidatePair:
    """Not the same person: the pair is kept as decided, so later runs do not bring it back."""
    if not can_merge(by, pair.person_a, pair.person_b) and not (
        by.has_perm_in(Perm.CASE_EDIT, pair.person_a.organisation_id)
        or by.has_perm_in(Perm.CASE_EDIT, pair.person_b.organisation_id)
    ):
        raise NotAllowed(_("You may not dismiss this pair."))
    with transaction.atomic():
        locked = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        if locked.status != PairStatus.OPEN:
            raise ValidationError(_("This pair has already been decided."))
        _decide(locked, by, PairStatus.DISMISSED)
        audit_record(
            actor=by,
            action="linkage.pair_dismiss",
            object_type="person",
            object_ref=locked.person_a_id,
            organisation_id=locked.person_a.organisation_id,
            details={"other": locked.person_b_id},
        )
    return locked


def _rebuild_keys(person: Person) -> None:
    PersonNameKey.objects.filter(person=person).delete()
    PersonNameKey.objects.bulk_create(name_keys_for(person))


def _move_rows(source: Person, target: Person) -> dict[str, list[int]]:
    """Point every row of another model that names `source` at `target`; returns what moved."""
    moved: dict[str, list[int]] = {}
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model in NOT_MOVED or not isinstance(relation.field, models.ForeignKey):
            continue
        assert isinstance(model, type)
        field = relation.field.name
        manager = model._default_manager
        ids = sorted(manager.filter(**{field: source}).values_list("pk", flat=True))
        if ids:
            manager.filter(pk__in=ids).update(**{field: target})
            moved[f"{model._meta.label}.{field}"] = ids
    return moved


def persons_merge(*, by: User, pair: CandidatePair, keep: Person) -> PersonMerge:
    """Merge the pair's other person into `keep`, in one transaction; undoable for UNDO_DAYS."""
    if keep.pk not in (pair.person_a_id, pair.person_b_id):
        raise ValidationError({"keep": _("Choose one of the two records to keep.")})
    if not can_merge(by, pair.person_a, pair.person_b):
        raise NotAllowed(_("You may not merge these records."))
    with transaction.atomic():
        persons = {
            p.pk: p
            for p in Person.objects.select_for_update()
            .filter(pk__in=[pair.person_a_id, pair.person_b_id])
            .order_by("pk")
        }
        kept = persons[keep.pk]
        merged = persons[pair.person_b_id if keep.pk == pair.person_a_id else pair.person_a_id]
        locked = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        if locked.status != PairStatus.OPEN:
            raise ValidationError(_("This pair has already been decided."))
        if one_organisation(kept, merged) is None:
            raise ValidationError(
                _("These records are held by different organisations: refer or transfer the case instead.")
            )
        refs = list(Case.objects.filter(person=merged).values_list("ref", flat=True))
        record = PersonMerge.objects.create(
            kept=kept,
            merged=merged,
            pair=locked,
            by=by,
            undo_until=timezone.now() + dt.timedelta(days=UNDO_DAYS),
            moved=_move_rows(merged, kept),
            kept_other_names=kept.other_names,
            kept_citizenships=kept.citizenships,
            kept_languages=kept.languages,
        )
        known = set(kept.all_names())
        spellings = [name for name in merged.all_names() if name not in known]
        kept.other_names = "\n".join(line for line in [kept.other_names.strip(), *spellings] if line)
        kept.citizenships = sorted(set(kept.citizenships) | set(merged.citizenships))
        kept.languages = list(dict.fromkeys([*kept.languages, *merged.languages]))
        Person.objects.filter(pk=kept.pk).update(
            other_names=kept.other_names,
            citizenships=kept.citizenships,
            languages=kept.languages,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        _rebuild_keys(kept)
        _decide(locked, by, PairStatus.MERGED)
        audit_record(
            actor=by,
            action="person.merge",
            object_type="person",
            object_ref=kept.pk,
            organisation_id=kept.organisation_id,
            details={"merged": merged.pk, "moved": {k: len(v) for k, v in record.moved.items()}},
        )
        for case in Case.objects.filter(ref__in=refs):
            case_audit_record(by=by, case=case, action="case.person_merge", details={"merge": record.pk})
    return record


def merge_undo(*, by: User, merge: PersonMerge) -> PersonMerge:
    """Move every row back to the merged person and restore the kept person's names and codes."""
    if not by.has_perm_in(Perm.CASE_EDIT, merge.kept.organisation_id):
        raise NotAllowed(_("You may not undo this merge."))
    with transaction.atomic():
        locked = PersonMerge.objects.select_for_update().select_related("kept", "merged").get(pk=merge.pk)
        if locked.undone_at is not None:
            raise ValidationError(_("This merge has already been undone."))
        if timezone.now() > locked.undo_until:
            raise ValidationError(_("The time to undo this merge has passed."))
        kept = Person.objects.select_for_update().get(pk=locked.kept_id)
        for key, ids in locked.moved.items():
            label, field = key.rsplit(".", 1)
            model = apps.get_model(label)
            model._default_manager.filter(pk__in=ids, **{field: kept}).update(**{field: locked.merged})
        kept.other_names = locked.kept_other_names
        kept.citizenships = list(locked.kept_citizenships)
        kept.languages = list(locked.kept_languages)
        kept.version += 1
        kept.save(update_fields=["other_names", "citizenships", "languages", "version", "updated_at"])
        _rebuild_keys(kept)
        if locked.pair_id is not None:
            CandidatePair.objects.filter(pk=locked.pair_id).update(
                status=PairStatus.OPEN, decided_by=None, decided_at=None
            )
        locked.undone_at = timezone.now()
        locked.save(update_fields=["undone_at"])
        audit_record(
            actor=by,
            action="person.merge_undo",
            object_type="person",
            object_ref=kept.pk,
            organisation_id=kept.organisation_id,
            details={"merged": locked.merged_id, "merge": locked.pk},
        )
        for case in Case.objects.filter(person=locked.merged):
            case_audit_record(by=by, case=case, action="case.person_merge_undo", details={"merge": locked.pk})
    return locked
