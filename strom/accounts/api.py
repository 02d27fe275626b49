"""/api/v1/me and /api/v1/users: the same access functions and selectors as the pages."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from strom.accounts.access import get_user_for
from strom.accounts.models import Membership, User, UserQuerySet
from strom.accounts.roles import Perm, Role
from strom.accounts.selectors import has_two_factor, user_list, visible_memberships
from strom.accounts.services import user_record_view
from strom.api.auth import api_user

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


def _check_may_list(user: User) -> None:
    if not user.has_any(Perm.ORG_USERS_VIEW):
        raise Http404


@router.get("/users", response=list[UserOut], url_name="user_list")
@paginate(PageNumberPagination)
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> UserQuerySet:
    user = api_user(request)
    _check_may_list(user)
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
    _check_may_list(actor)
    target = get_user_for(actor, user_id)
    user_record_view(by=actor, user=target)
    target.shown_memberships = list(visible_memberships(actor).filter(user=target))  # type: ignore[attr-defined]
    return target
