"""/api/v1/me, /api/v1/users, invitations and membership roles: the same access functions, selectors
and services as the pages."""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from strom.accounts.access import check_may_list_users, get_membership_for, get_user_for
from strom.accounts.models import Invitation, Membership, User, UserQuerySet
from strom.accounts.selectors import has_two_factor, organisations_managed_by, user_list, visible_memberships
from strom.accounts.services import invitation_create, membership_change_role, user_record_view
from strom.api.auth import api_user
from strom.api.pagination import PageNumberPagination
from strom.audit.services import audit_read
from strom.core.roles import Role

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    role: Role
    is_active: bool


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    two_factor: bool = Field(description="An authenticator app is set up")
    two_factor_required: bool = Field(description="The user's roles require a second factor")
    memberships: list[MembershipOut]


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    is_active: bool
    memberships: list[MembershipOut] = Field(description="Only in organisations whose staff you may see")

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        # Set by the selectors (user_list prefetches it); never the user's other memberships.
        return list(getattr(obj, "shown_memberships", []))


class UserFilters(Schema):
    organisation_id: int | None = None
    role: Role | None = None
    is_active: bool | None = None
    name: str = Field(
        "", max_length=200, description="Exact full name (accents, case and word order ignored)"
    )


@router.get("/me", response=MeOut, url_name="me")
def me(request: HttpRequest) -> dict[str, Any]:
    user = api_user(request)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "two_factor": has_two_factor(user),
        "two_factor_required": user.requires_two_factor,
        "memberships": list(user.memberships.select_related("organisation").order_by("organisation__name")),
    }


@router.get("/users", response=list[UserOut], url_name="user_list")
@paginate(PageNumberPagination)
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> UserQuerySet:
    user = api_user(request)
    check_may_list_users(user)
    # Colleagues' names and addresses: one read per page, as for one colleague's record (user.view).
    # The page is cut after this returns, so the entry names the page asked for, not the ids.
    audit_read(
        actor=user,
        object_type="user",
        object_ref="",
        organisation_id=None,
        details={"list": "users", "page": request.GET.get("page", "1")[:12]},
    )
    return user_list(
        user,
        organisation_id=filters.organisation_id,
        role=filters.role.value if filters.role else "",
        active=filters.is_active,
        name=filters.name,
    ).order_by("email")


@router.get("/users/{user_id}", response=UserOut, url_name="user_detail")
def get_user(request: HttpRequest, user_id: int) -> User:
    actor = api_user(request)
    check_may_list_users(actor)
    target = get_user_for(actor, user_id)
    user_record_view(by=actor, user=target)
    target.shown_memberships = list(visible_memberships(actor).filter(user=target))  # type: ignore[attr-defined]
    return target


class InvitationIn(Schema):
    email: str = Field(max_length=254, description="The person's work address")
    organisation_id: int
    role: Role = Field(description="Only a role the organisation's type can have (see docs/security.md)")


class InvitationOut(Schema):
    id: int
    email: str
    organisation_id: int
    role: Role
    expires_at: datetime


class MembershipRoleIn(Schema):
    role: Role = Field(description="Only a role the organisation's type can have (see docs/security.md)")


@router.post("/invitations", response={201: InvitationOut}, url_name="invitation_create")
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status[Invitation]:
    """E-mail an invitation; the link goes only to the address, never into the answer."""
    actor = api_user(request)
    organisation = organisations_managed_by(actor).filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise Http404
    invitation, _token = invitation_create(
        by=actor, email=payload.email, organisation=organisation, role=payload.role.value
    )
    return Status(201, invitation)


@router.patch("/memberships/{membership_id}", response=MembershipOut, url_name="membership_update")
def update_membership(request: HttpRequest, membership_id: int, payload: MembershipRoleIn) -> Membership:
    actor = api_user(request)
    membership = get_membership_for(actor, membership_id, write=True)
    membership_change_role(by=actor, membership=membership, role=payload.role.value)
    membership.refresh_from_db()
    return membership
