"""One pagination shape for every list endpoint: items, count, page, page_size.

A page past the last one answers an empty page (`items: []`, with the real `count`), however far
past: the rows are counted first and the database is asked for a slice only when the page starts
inside the list, so no page number reaches it as an offset it cannot hold."""

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PageInput(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class Pagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="1 for the first page; a page past the last answers no items")
        page_size: int = Field(50, ge=1, le=500)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, **params):
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        items = list(queryset[offset : offset + pagination.page_size]) if offset < count else []
        return {"items": items, "count": count, "page": pagination.page, "page_size": pagination.page_size}
