"""Application numbers are gap-free and never collide per right type and year, even with several
worker processes numbering at once and some of their transactions rolling back."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import select

from engine.db.models import Case, NumberSequence
from engine.domain.numbering import format_number, parse_number
from engine.errors import Conflict, InvalidInput
from engine.services.cases import create_case
from engine.services.numbering import assign_number, issue_number
from numbering_children import APPLICATION, number_cases_in_child

WORKERS = 4
PER_WORKER = 50
ROLLBACK_EVERY = 7  # the 7th, 14th, ... case of each worker is abandoned after it was numbered


def test_four_processes_numbering_at_once_commit_exactly_1_to_n(office, settings):
    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    mp = multiprocessing.get_context("spawn")
    barrier, results = mp.Barrier(WORKERS), mp.Queue()
    children = [
        mp.Process(target=number_cases_in_child, args=(env, PER_WORKER, ROLLBACK_EVERY, barrier, results)) for _ in range(WORKERS)
    ]
    for child in children:
        child.start()
    reports = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert [error for *_, error in reports] == [None] * WORKERS, reports

    committed = [number for _, numbers, _, _ in reports for number in numbers]
    rolled_back = [number for _, _, numbers, _ in reports for number in numbers]
    expected_rollbacks = WORKERS * (PER_WORKER // ROLLBACK_EVERY)
    assert len(rolled_back) == expected_rollbacks
    n = WORKERS * PER_WORKER - expected_rollbacks
    assert len(committed) == n
    assert [k for k, v in Counter(committed).items() if v > 1] == []

    with office.db.reading() as session:
        stored = session.scalars(select(Case.application_number)).all()
        last = session.scalar(
            select(NumberSequence.last_serial).where(NumberSequence.right_type == "trademark", NumberSequence.year == 2026)
        )
    assert sorted(stored) == sorted(committed)
    serials = sorted(parse_number(settings.numbering_format, number)[2] for number in stored)
    assert serials == list(range(1, n + 1))
    assert last == n
    # A rolled-back number went back to the pool: someone committed it later, unless it was the
    # very last number taken.
    after_last = format_number(settings.numbering_format, "40", 2026, n + 1)
    assert set(rolled_back) <= set(committed) | {after_last}
    for _, numbers, _, _ in reports:  # each worker saw its own numbers rise
        mine = [parse_number(settings.numbering_format, x)[2] for x in numbers]
        assert mine == sorted(mine)


def test_a_rolled_back_case_gives_its_serial_to_the_next_one(office, clock, settings):
    with office.db.transaction() as session:
        assert issue_number(session, settings, "trademark", 2026) == "40-2026-000001"
    with pytest.raises(RuntimeError):
        with office.db.transaction() as session:
            case = create_case(session, clock, settings, "trademark", APPLICATION)
            assert assign_number(session, settings, case) == "40-2026-000002"
            raise RuntimeError("the clerk cancelled the filing")
    with office.db.transaction() as session:
        case = create_case(session, clock, settings, "trademark", APPLICATION)
        assert assign_number(session, settings, case) == "40-2026-000002"
    with office.db.reading() as session:
        assert session.scalars(select(Case.application_number)).all() == ["40-2026-000002"]


def test_each_year_starts_again_at_1(office, settings):
    with office.db.transaction() as session:
        issued = [issue_number(session, settings, "patent", year) for year in (2026, 2026, 2026, 2027, 2026, 2027)]
    assert issued == ["10-2026-000001", "10-2026-000002", "10-2026-000003", "10-2027-000001", "10-2026-000004", "10-2027-000002"]


def test_each_right_type_counts_on_its_own(office, settings):
    with office.db.transaction() as session:
        issued = [
            issue_number(session, settings, right, 2026) for right in ("trademark", "trademark", "patent", "design", "trademark")
        ]
    assert issued == ["40-2026-000001", "40-2026-000002", "10-2026-000001", "50-2026-000001", "40-2026-000003"]
    with office.db.reading() as session:
        rows = {(r.right_type, r.year): r.last_serial for r in session.scalars(select(NumberSequence))}
    assert rows == {("trademark", 2026): 3, ("patent", 2026): 1, ("design", 2026): 1}


def test_the_case_is_numbered_in_the_year_of_its_filing_date(office, clock, settings):
    with office.db.transaction() as session:
        case = create_case(session, clock, settings, "trademark", {**APPLICATION, "filing_date": "2025-12-31"})
        assert assign_number(session, settings, case) == "40-2025-000001"
        with pytest.raises(Conflict, match="already has application number 40-2025-000001"):
            assign_number(session, settings, case)


def test_an_unknown_right_type_is_refused_by_name(office, settings):
    with office.db.transaction() as session:
        with pytest.raises(InvalidInput, match="utility_model") as refused:
            issue_number(session, settings, "utility_model", 2026)
        assert "design, patent, trademark" in refused.value.fields["right_type"][0]
        with pytest.raises(InvalidInput, match="year"):
            issue_number(session, settings, "trademark", 26)
    with office.db.reading() as session:
        assert session.scalars(select(NumberSequence)).all() == []
