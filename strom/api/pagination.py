"""The API's paginated lists: page numbers, limits and offsets with declared bounds.

ninja's own classes accept any integer and turn it into an SQL OFFSET; a page number past what a
64-bit integer holds ends in a database error (a 500). Here every parameter has a maximum in the
OpenAPI document, and a value outside it is refused before any query with a 422 problem naming the
parameter (strom.api.errors). Every paginated operation uses one of these two classes:
`@paginate(PageNumberPagination)`, or `@paginate(LimitOffsetPagination)` for lists that always had
limit/offset.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja import pagination as ninja_pagination

PER_PAGE: int = getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50)
MAX_PER_PAGE = 100
# Far beyond any real list, far below what the database can count to: OFFSET stays under 10**8.
MAX_PAGE = 100_000
MAX_OFFSET = MAX_PAGE * MAX_PER_PAGE


# Named apart: the OpenAPI document names schemas by class name, and two "Input"s would collide.
class PageNumberInput(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    page_size: int | None = Field(
        None, ge=1, le=MAX_PER_PAGE, description=f"Items per page (default {PER_PAGE})"
    )


class LimitOffsetInput(Schema):
    limit: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Items to return")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip")


class PageNumberPagination(ninja_pagination.PageNumberPagination):
    Input = PageNumberInput  # type: ignore[assignment]  # ninja declares it as a nested class

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=PER_PAGE, max_page_size=MAX_PER_PAGE, **kwargs)


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    Input = LimitOffsetInput  # type: ignore[assignment]  # ninja declares it as a nested class

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PER_PAGE, **kwargs)
