"""Reading cases: the list with filters, search and keyset pages; the case page; duplicate-person hints.

Everything starts from `Case.objects.visible_to(user)`. Names are found through the blind indexes
only (PersonNameKey, IdentityDocument.number_index): the database never sees a name in clear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import connection
from django.db.models import Case as Case_
from django.db.models import DateField, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from strom.cases.choices import Stage
from strom.cases.models import (
    Case,
    CaseQuerySet,
    IdentityDocument,
    Person,
    PersonNameKey,
    person_display_name,
)
from strom.cases.refs import looks_like_ref, normalise_ref
from strom.core.roles import Perm
from strom.crypto import service as crypto

if TYPE_CHECKING:
    from strom.accounts.models import User

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_CURSOR_SALT = "strom.cases.list"


# --- search ------------------------------------------------------------------------------------------


# A search that matches more persons than this is too vague to be useful; the list says so by paging.
SEARCH_MAX_PERSONS = 5000
# The statements' parts: the tables' names come from the models, every value is a parameter.
_BY_KEY = f"SELECT person_id FROM {PersonNameKey._meta.db_table} WHERE kind = %s AND key = %s"  # noqa: S608
_AND_KEY = f" AND person_id IN ({_BY_KEY})"
_BY_DOCUMENT = f"SELECT person_id FROM {IdentityDocument._meta.db_table} WHERE number_index = %s"  # noqa: S608


def matching_person_ids(query: str) -> list[int]:
    """Persons whose names or document numbers match, found first and on their own.

    Filtering cases by a short list of person ids uses the person index; an OR of subqueries on the
    case list made PostgreSQL test every case of the organisation (docs/performance.md). Words match
    through a chain of semi-joins, which PostgreSQL answers with index-only scans ordered by person.
    The statement is written here rather than built with the ORM, which took two of the three
    milliseconds a name search spent finding its persons; its text depends only on the number of
    words, so PostgreSQL keeps its plan.
    """
    parts: list[str] = []
    params: list[str] = []
    full, words = crypto.name_index(query), crypto.name_token_indexes(query)
    if full and words:
        parts.append(_BY_KEY + _AND_KEY * (len(words) - 1))
        for word in words:
            params += [PersonNameKey.Kind.WORD, word]
        if len(words) > 1:
            parts.append(_BY_KEY)
            params += [PersonNameKey.Kind.FULL, full]
    index = crypto.blind_index(query, kind="document")
    if index:
        parts.append(_BY_DOCUMENT)
        params.append(index)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"{' UNION '.join(parts)} LIMIT {SEARCH_MAX_PERSONS}", params)
        return [person_id for (person_id,) in cursor.fetchall()]


def search_cases(qs: CaseQuerySet, query: str) -> CaseQuerySet:
    """A reference (exact, however it was typed), else names and document numbers via blind indexes."""
    query = query.strip()
    if not query:
        return qs
    if looks_like_ref(query):
        return qs.filter(ref=normalise_ref(query))
    person_ids = matching_person_ids(query)
    return qs.filter(person_id__any_of=person_ids) if person_ids else qs.none()


def possible_duplicates(
    user: User, *, given_name: str, family_name: str, document_numbers: list[str], limit: int = 10
) -> list[Person]:
    """Persons in the user's visible cases with the same full name or an identity document number."""
    condition = Q(pk__in=[])
    full = crypto.name_index(f"{given_name} {family_name}")
    if full:
        condition |= Q(
            pk__in=PersonNameKey.objects.filter(kind=PersonNameKey.Kind.FULL, key=full).values("person_id")
        )
    indexes = [i for i in (crypto.blind_index(n, kind="document") for n in document_numbers) if i]
    if indexes:
        condition |= Q(pk__in=IdentityDocument.objects.filter(number_index__in=indexes).values("person_id"))
    visible = Case.objects.visible_to(user)
    persons = (
        Person.objects.visible_to(user)
        .filter(condition)
        .prefetch_related(Prefetch("cases", queryset=visible.order_by("-opened_at"), to_attr="visible_cases"))
        .order_by("-pk")
    )
    return list(persons[:limit])


# --- the case list -----------------------------------------------------------------------------------


@dataclass
class CaseFilters:
    q: str = ""
    stage: str = ""
    overdue: bool = False
    owner_id: int | None = None
    municipality_id: int | None = None
    exploitation: str = ""
    child: bool | None = None


@dataclass(frozen=True, slots=True)
class ListedPerson:
    pk: int
    given_name: str
    family_name: str

    @property
    def display_name(self) -> str:
        return person_display_name(self.given_name, self.family_name)


@dataclass(frozen=True, slots=True)
class ListedUser:
    pk: int
    name: str

    def get_full_name(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListedMunicipality:
    pk: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ListedCase:
    """One line of a case list: what the list pages, the API's list and their audit entry use of a case,
    under the names the model gives them, read as values rather than as model instances (a Case and a
    Person for each of fifty rows took more than half of a list's time; issue 13)."""

    pk: int
    ref: str
    organisation_id: int
    stage: str
    status: str
    is_child: bool
    child_basis: str
    trafficking_status: str
    forms_of_exploitation: list[str]
    country: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    next_due_at: dt.date | None
    legal_hold: bool
    version: int
    sort_value: Any
    person: ListedPerson
    owner: ListedUser | None
    municipality: ListedMunicipality

    def get_stage_display(self) -> str:
        return str(Stage(self.stage).label) if self.stage in Stage.values else self.stage


@dataclass
class CasePage:
    rows: list[ListedCase]
    next_cursor: str = ""  # older cases
    prev_cursor: str = ""  # newer cases
    refs: list[str] = field(default_factory=list)


def filtered_cases(user: User, filters: CaseFilters) -> CaseQuerySet:
    qs = Case.objects.visible_to(user)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.overdue:
        qs = qs.filter(next_due_at__lt=timezone.localdate())
    if filters.owner_id is not None:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.municipality_id is not None:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.exploitation:
        qs = qs.filter(forms_of_exploitation__contains=[filters.exploitation])
    if filters.child is not None:
        qs = qs.filter(is_child=filters.child)
    return search_cases(qs, filters.q)


# --- sorting ------------------------------------------------------------------------------------------

# The columns a list may be sorted by: a key in the address, never a field name, so a request cannot
# order by something it may not see (an encrypted name, another table). "-" in front: descending.
SORT_KEYS = ("opened", "ref", "stage", "due", "municipality")
DEFAULT_SORT = "-opened"
_STAGE_ORDER = Case_(
    *(When(stage=value, then=Value(i)) for i, value in enumerate(Stage.values)),
    default=Value(len(Stage.values)),
    output_field=IntegerField(),
)
# Cases without a due date come last in both directions.
_NO_DUE = {False: dt.date(9999, 12, 31), True: dt.date(1, 1, 1)}


def parse_sort(value: str) -> str | None:
    """The sort the address asks for, or None when it names no sortable column."""
    key = value.removeprefix("-")
    return value if key in SORT_KEYS and value.count("-") <= 1 else None


def _sort_expression(sort: str) -> Any:
    descending, key = sort.startswith("-"), sort.removeprefix("-")
    if key == "opened":
        return F("opened_at")
    if key == "ref":
        return F("ref")
    if key == "stage":
        return _STAGE_ORDER
    if key == "due":
        return Coalesce(F("next_due_at"), Value(_NO_DUE[descending]), output_field=DateField())
    return F("municipality__name")


def _sort_field(sort: str) -> str:
    # Plain columns are ordered and compared by name, so PostgreSQL uses their indexes as before.
    return {"opened": "opened_at", "ref": "ref", "municipality": "municipality__name"}.get(
        sort.removeprefix("-"), "sort_value"
    )


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _decode(sort: str, value: Any) -> Any:
    key = sort.removeprefix("-")
    if key == "opened":
        return dt.datetime.fromisoformat(value)
    if key == "due":
        return dt.date.fromisoformat(value)
    if key == "stage":
        return int(value)
    return str(value)


def make_cursor(case: Case | ListedCase, direction: str, sort: str = DEFAULT_SORT) -> str:
    value = getattr(case, "sort_value", case.opened_at)
    return signing.dumps([direction, sort, _encode(value), case.pk], salt=_CURSOR_SALT, compress=True)


def read_cursor(token: str, sort: str = DEFAULT_SORT) -> tuple[str, Any, int] | None:
    """(direction, sort value, id) from a cursor, or None if it was not made here, was altered or was
    made for another sort."""
    try:
        direction, made_for, value, pk = signing.loads(token, salt=_CURSOR_SALT)
        if direction not in ("next", "prev") or made_for != sort:
            return None
        return direction, _decode(sort, value), int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        return None


_LISTED_COLUMNS = (
    "id",
    "ref",
    "organisation_id",
    "stage",
    "status",
    "is_child",
    "child_basis",
    "trafficking_status",
    "forms_of_exploitation",
    "country",
    "opened_at",
    "closed_at",
    "next_due_at",
    "legal_hold",
    "version",
    "sort_value",
    "owner_id",
    # Of the person, only the names the lists show are read, so only they are decrypted.
    "person_id",
    "person__given_name",
    "person__family_name",
    "municipality_id",
    "municipality__code",
    "municipality__name",
)


def listed_cases(qs: CaseQuerySet, limit: int) -> list[ListedCase]:
    """The first `limit` cases of `qs` (visible ones, ordered) as list lines."""
    return _listed(list(qs.values(*_LISTED_COLUMNS)[:limit]))


def _listed(rows: list[dict[str, Any]]) -> list[ListedCase]:
    """The rows as list lines. A page has a handful of case workers: each is read, and their name
    decrypted, once."""
    from strom.accounts.models import User as UserModel

    owner_ids = {row["owner_id"] for row in rows if row["owner_id"] is not None}
    owners = {
        user.pk: ListedUser(user.pk, user.get_full_name())
        for user in UserModel.objects.filter(pk__in=owner_ids).only("id", "full_name", "email")
    }
    return [
        ListedCase(
            pk=row["id"],
            ref=row["ref"],
            organisation_id=row["organisation_id"],
            stage=row["stage"],
            status=row["status"],
            is_child=row["is_child"],
            child_basis=row["child_basis"],
            trafficking_status=row["trafficking_status"],
            forms_of_exploitation=row["forms_of_exploitation"],
            country=row["country"],
            opened_at=row["opened_at"],
            closed_at=row["closed_at"],
            next_due_at=row["next_due_at"],
            legal_hold=row["legal_hold"],
            version=row["version"],
            sort_value=row["sort_value"],
            person=ListedPerson(row["person_id"], row["person__given_name"], row["person__family_name"]),
            owner=owners.get(row["owner_id"]),
            municipality=ListedMunicipality(
                row["municipality_id"], row["municipality__code"], row["municipality__name"]
            ),
        )
        for row in rows
    ]


def sorted_cases(user: User, filters: CaseFilters, sort: str = DEFAULT_SORT) -> CaseQuerySet:
    """The visible cases that pass the filters, each with its `sort_value`, in the order of `sort`
    (the id breaks ties, so the order is stable and pages neither repeat nor skip a case)."""
    descending = sort.startswith("-")
    name = _sort_field(sort)
    qs = filtered_cases(user, filters).annotate(sort_value=_sort_expression(sort))
    return qs.order_by(*((f"-{name}", "-id") if descending else (name, "id")))


def _after(qs: QuerySet[Any, Any], sort: str, value: Any, pk: int, *, ascending: bool) -> QuerySet[Any, Any]:
    name, op = _sort_field(sort), "gt" if ascending else "lt"
    return qs.filter(Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"id__{op}": pk}))


def case_list(
    user: User, filters: CaseFilters, cursor: str = "", limit: int = PAGE_SIZE, sort: str = DEFAULT_SORT
) -> CasePage:
    """Newest first by (opened_at, id) unless `sort` says otherwise; keyset pages, no COUNT and no OFFSET.

    A bad or foreign cursor, or one made for another sort, gives the first page.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    descending = sort.startswith("-")
    qs = sorted_cases(user, filters, sort).values(*_LISTED_COLUMNS)
    position = read_cursor(cursor, sort) if cursor else None
    if position is None:
        found = list(qs[: limit + 1])
        more_later, more_earlier = len(found) > limit, False
    elif position[0] == "next":
        found = list(_after(qs, sort, position[1], position[2], ascending=not descending)[: limit + 1])
        more_later, more_earlier = len(found) > limit, True
    else:
        found = list(_after(qs, sort, position[1], position[2], ascending=descending).reverse()[: limit + 1])
        more_earlier, more_later = len(found) > limit, True
    rows = _listed(found[:limit])
    if position is not None and position[0] == "prev":
        rows.reverse()
    return CasePage(
        rows=rows,
        next_cursor=make_cursor(rows[-1], "next", sort) if rows and more_later else "",
        prev_cursor=make_cursor(rows[0], "prev", sort) if rows and more_earlier else "",
        refs=[c.ref for c in rows],
    )


# The token under which the case list keeps its pick-lists of case workers and municipalities in the
# cache (strom.cases.views_list); strom.cases.apps renews it when a user, membership, organisation or
# municipality changes.
PICK_LISTS_GENERATION = "strom:cases:pick-lists"


def case_workers_for(user: User) -> QuerySet[Any, Any]:
    """People who can hold cases in the user's organisations: the worker filter and owner choices."""
    from strom.accounts.models import User as UserModel
    from strom.core.roles import MATRIX

    roles = [role for role, perms in MATRIX.items() if Perm.CASE_VIEW in perms]
    org_ids = user.org_ids_with(Perm.CASE_VIEW) | user.org_ids_with(Perm.CASE_CREATE)
    return (
        UserModel.objects.filter(
            is_active=True,
            memberships__organisation_id__in=org_ids,
            memberships__role__in=roles,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


# --- the case page -----------------------------------------------------------------------------------


@dataclass
class CasePageData:
    case: Case
    person: Person
    documents: list[IdentityDocument]
    other_cases: list[Case]


def case_page_data(user: User, case: Case) -> CasePageData:
    """What the case page shows beside the parts other apps render: the person and their other cases."""
    person = case.person
    documents = list(person.documents.order_by("-created_at"))
    other_cases = list(
        Case.objects.visible_to(user).filter(person_id=person.pk).exclude(pk=case.pk).order_by("-opened_at")
    )
    return CasePageData(case=case, person=person, documents=documents, other_cases=other_cases)


def my_cases(user: User, *, limit: int = 10) -> list[Case]:
    """The user's own open cases, the soonest due first (the dashboard)."""
    from django.db.models import F

    from strom.cases.choices import Stage

    return list(
        Case.objects.visible_to(user)
        .filter(owner_id=user.pk)
        .exclude(stage=Stage.CLOSED)
        .select_related("municipality")
        .order_by(F("next_due_at").asc(nulls_last=True), "-opened_at", "-id")[:limit]
    )


def my_cases_panel(user: User) -> dict[str, Any] | None:
    """The dashboard's "My cases" (cases/_dashboard_panel.html), for those who hold cases. References,
    stages and dates only: no names, so the dashboard is not a read of personal data."""
    if not user.has_any(Perm.CASE_VIEW):
        return None
    return {"my_cases": my_cases(user), "today": timezone.localdate()}
