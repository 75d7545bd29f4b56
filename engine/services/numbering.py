"""Issue ST.13 application numbers: gap-free and collision-free per right type and year.

The serial is taken in the caller's transaction. Two workers numbering at once queue on the
sequence row (PostgreSQL: its row lock; SQLite: the one-writer lock every unit of work takes),
and a transaction that rolls back takes its serial back with it, so committed numbers have no
gaps and no duplicates.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.db.models.case_records import NumberSequence
from engine.db.models.cases import Case
from engine.domain.numbering import format_number
from engine.errors import Conflict, InvalidInput
from engine.settings import Settings


def issue_number(session: Session, settings: Settings, right_type: str, year: int) -> str:
    """The next application number for `right_type` in `year`, formatted as the office writes it."""
    code = settings.numbering_codes.get(right_type)
    if code is None:
        known = ", ".join(sorted(settings.numbering_codes))
        raise InvalidInput(
            f"unknown right type {right_type!r}", {"right_type": [f"{right_type!r} has no number code; use one of {known}."]}
        )
    if not isinstance(year, int) or not 1000 <= year <= 9999:
        raise InvalidInput(f"cannot number in year {year!r}", {"year": ["Give the four-digit year of the filing date."]})
    serial = _next_serial(session, right_type, year)
    return format_number(settings.numbering_format, code, year, serial)


def issue_registration_number(session: Session, settings: Settings, right_type: str, year: int) -> str:
    """The next registration number: its own gap-free sequence, written like an application
    number with an R after the code (40R-2026-000001)."""
    code = settings.numbering_codes.get(right_type)
    if code is None:
        raise InvalidInput(f"unknown right type {right_type!r}", {"right_type": [f"{right_type!r} has no number code."]})
    return format_number(settings.numbering_format, f"{code}R", year, _next_serial(session, f"reg:{right_type}", year))


def assign_number(session: Session, settings: Settings, case: Case) -> str:
    """Number a case in the year of its filing date; a case is numbered once."""
    if case.application_number:
        raise Conflict(f"case {case.id} already has application number {case.application_number}")
    case.application_number = issue_number(session, settings, case.right_type, case.filing_date.year)
    session.flush()
    return case.application_number


def _next_serial(session: Session, right_type: str, year: int) -> int:
    # UPDATE ... RETURNING increments and row-locks in one statement: a second worker's UPDATE
    # waits for the first transaction, then sees its committed value (or the old one if it
    # rolled back). This is SELECT ... FOR UPDATE plus UPDATE without the extra round trip.
    bump = (
        update(NumberSequence)
        .where(NumberSequence.right_type == right_type, NumberSequence.year == year)
        .values(last_serial=NumberSequence.last_serial + 1)
        .returning(NumberSequence.last_serial)
        .execution_options(synchronize_session=False)
    )
    serial = session.execute(bump).scalar_one_or_none()
    if serial is None:
        # First number of the year. ON CONFLICT DO NOTHING lets two first-comers both "create"
        # the row; the loser waits for the winner and then bumps the row the winner made.
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        session.execute(
            insert(NumberSequence)
            .values(right_type=right_type, year=year, last_serial=0)
            .on_conflict_do_nothing(index_elements=["right_type", "year"])
        )
        serial = session.execute(bump).scalar_one()
    return serial
