"""Columns that lists of cases, and of the tasks on them, show beside each case."""

from __future__ import annotations

from sqlalchemy import ScalarSelect, select

from engine.db.models import Case, Party, PartyRole


def first_applicant() -> ScalarSelect[str]:
    """The name of the case's first-named applicant (NULL if none), for a statement selecting from
    Case: one correlated subquery on the party index instead of a join that would repeat rows."""
    return (
        select(Party.name)
        .where(Party.case_id == Case.id, Party.role == PartyRole.APPLICANT)
        .order_by(Party.position)
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
