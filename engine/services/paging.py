"""Lists read a page at a time (the inbox, case search): which rows a page holds, how many pages."""

from __future__ import annotations

from math import ceil

from sqlalchemy import Select


def page_of(statement: Select, page: int, per_page: int) -> Select:
    """Page `page` (from 1) of the statement's rows. Its ORDER BY must end on a unique column, or
    a row could show on two pages and another on none."""
    return statement.limit(per_page).offset((page - 1) * per_page)


def page_count(total: int, per_page: int) -> int:
    """The pages `total` rows fill; no rows still make one (empty) page to show."""
    return max(1, ceil(total / per_page))
