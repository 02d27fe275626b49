from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from strom.audit.actors import system_actor_label
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def visible_to(self, user: User) -> AuditEntryQuerySet:
        """Org admins see their organisation's entries, system admins all, everyone else none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_global(Perm.AUDIT_VIEW_ALL):
            return self
        org_ids = user.org_ids_with(Perm.AUDIT_VIEW_ORG)
        if not org_ids:
            return self.none()
        # Entries without an organisation (log-ins, two-factor enrolment) belong to the person: the admins
        # of each organisation they work in see them. What a member did in another organisation stays there.
        member_ids = get_user_model().objects.filter(memberships__organisation_id__in=org_ids).values("id")
        return self.filter(
            Q(organisation_id__in=org_ids) | Q(organisation_id__isnull=True, actor_id__in=member_ids)
        )


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit log.

    Rows are never updated or deleted: a database trigger refuses it (migration 0002), and
    `strom audit verify` recomputes the chain to find any row changed behind the trigger's back.
    Entries name objects by type and reference, never by personal data.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(_("time"))
    # Plain ids, not foreign keys: deleting or anonymising a user must never touch the audit trail.
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    # The named system job that acted (strom.audit.actors), when no person did; "" for people and for
    # entries written before system actors had names.
    system_actor = models.CharField(_("system job"), max_length=32, blank=True, default="")
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_ref = models.CharField(_("object"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=16)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["organisation_id", "-seq"], name="audit_org_seq"),
            models.Index(fields=["actor_id", "-seq"], name="audit_actor_seq"),
            models.Index(fields=["object_type", "object_ref"], name="audit_object"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def actor_display(self) -> str:
        """Who acted, for people: the user's address, "System: retention job", or "system"."""
        if self.actor_label:
            return self.actor_label
        if self.system_actor:
            return system_actor_label(self.system_actor)
        return str(_("system"))


class AuditHead(models.Model):
    """The chain's last link, one row. It lets `verify` notice entries deleted from the end."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
