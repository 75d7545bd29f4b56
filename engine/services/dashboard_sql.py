"""SQL the dashboard needs that SQLite and PostgreSQL spell differently: the day of a moment,
days and hours between two values, the Monday of a date's ISO week, the first of its month, and
nearest-rank percentiles computed in the database with window functions.

Days of moments are UTC days: SQLite knows no time zones, and both dialects must agree.
"""

from __future__ import annotations

from sqlalchemy import Date, Float, Integer, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement, Select


class utc_day(FunctionElement):  # noqa: N801 (reads as the SQL function it renders)
    """The UTC calendar day of a timestamp column."""

    type = Date()
    inherit_cache = True


class days_between(FunctionElement):  # noqa: N801
    """Whole days from the second date to the first (later - earlier)."""

    type = Integer()
    inherit_cache = True


class hours_between(FunctionElement):  # noqa: N801
    """Hours, with fractions, from the second moment to the first (later - earlier)."""

    type = Float()
    inherit_cache = True


class week_start(FunctionElement):  # noqa: N801
    """The Monday of a date's ISO week."""

    type = Date()
    inherit_cache = True


class month_start(FunctionElement):  # noqa: N801
    """The first day of a date's month."""

    type = Date()
    inherit_cache = True


def _args(element, compiler, **kw) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):
    return "date({})".format(*_args(element, compiler, **kw))  # stored as naive UTC text


@compiles(utc_day, "postgresql")
def _utc_day_pg(element, compiler, **kw):
    return "CAST(({} AT TIME ZONE 'UTC') AS DATE)".format(*_args(element, compiler, **kw))


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    return "CAST(julianday({}) - julianday({}) AS INTEGER)".format(*_args(element, compiler, **kw))


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    return "(CAST({} AS DATE) - CAST({} AS DATE))".format(*_args(element, compiler, **kw))


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    return "((julianday({}) - julianday({})) * 24.0)".format(*_args(element, compiler, **kw))


@compiles(hours_between, "postgresql")
def _hours_pg(element, compiler, **kw):
    return "(EXTRACT(EPOCH FROM ({} - {})) / 3600.0)".format(*_args(element, compiler, **kw))


@compiles(week_start, "sqlite")
def _week_sqlite(element, compiler, **kw):
    # 'weekday 0' moves forward to the Sunday ending the ISO week (or stays on it).
    return "date({}, 'weekday 0', '-6 days')".format(*_args(element, compiler, **kw))


@compiles(week_start, "postgresql")
def _week_pg(element, compiler, **kw):
    return "CAST(date_trunc('week', CAST({} AS TIMESTAMP)) AS DATE)".format(*_args(element, compiler, **kw))


@compiles(month_start, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return "date({}, 'start of month')".format(*_args(element, compiler, **kw))


@compiles(month_start, "postgresql")
def _month_pg(element, compiler, **kw):
    return "CAST(date_trunc('month', CAST({} AS TIMESTAMP)) AS DATE)".format(*_args(element, compiler, **kw))


def nearest_rank(values: Select, percents: tuple[int, ...]) -> Select:
    """Per group, the count and the nearest-rank percentiles of `values` (a select of two columns
    labelled `grp` and `value`; NULL values are left out): rows (grp, n, p1, p2, ...).

    The p-th percentile of n sorted values is the one at rank ceil(p * n / 100); the database
    numbers the rows, so no value leaves it."""
    given = values.subquery("given")
    ranked = (
        select(
            given.c.grp,
            given.c.value,
            func.row_number().over(partition_by=given.c.grp, order_by=given.c.value).label("rn"),
            func.count().over(partition_by=given.c.grp).label("n"),
        )
        .where(given.c.value.is_not(None))
        .subquery("ranked")
    )
    picks = [func.max(case((ranked.c.rn == (ranked.c.n * p + 99) // 100, ranked.c.value))).label(f"p{p}") for p in percents]
    return select(ranked.c.grp, func.max(ranked.c.n).label("n"), *picks).group_by(ranked.c.grp)
