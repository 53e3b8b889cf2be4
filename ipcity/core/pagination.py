"""API pagination with bounded parameters: `?offset=` or `?limit=` beyond a 64-bit integer is a 422, not an
integer overflow in the database driver (a 500). Use instead of ninja's LimitOffsetPagination."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

# LIMIT and OFFSET are 64-bit on SQLite and PostgreSQL.
MAX_SQL_INT = 2**63 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=MAX_SQL_INT)
        offset: int = Field(0, ge=0, le=MAX_SQL_INT)
