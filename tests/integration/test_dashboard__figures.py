"""The manager's dashboard computes its figures in SQL; each one equals what a plain reading of the
rows gives. Two cases run through the real process (filed, paid, first steps done by people); the
rest of a varied history is written as rows: open and decided cases of every age, registrations,
refusals, tasks on time and late, time limits, renewal fees and unmatched payments."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.db.models import (
    Case,
    Deadline,
    DefinitionVersion,
    FeeSheet,
    HumanTask,
    Payment,
    ProcessInstance,
    RegisterEntry,
    User,
)
from engine.errors import InvalidInput, NotFound
from engine.services.dashboard import DashboardQuery, dashboard, dashboard_query, dashboard_table, renewals_until
from engine.services.dashboard_figures import AGE_LIMITS
from library_editing import deployed_office
from scenario_support import Office, patent_filing, trademark_at_examination, trademark_filing

UTC = timezone.utc
STATUSES = ["filed", "formalities", "examination", "published", "registered", "refused", "withdrawn"]
PEOPLE = ["clerk", "examiner", "registrar", None]  # None: a step the engine closed (no person)


@pytest.fixture
def office(settings, clock, operators):
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


def seed_history(ctx, today: date, seed: int = 8) -> None:
    """Sixty cases over 500 days, written as rows, with the moments on whole 6-minute steps."""
    rng = random.Random(seed)
    now = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=9)

    def moment(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), UTC) + timedelta(minutes=6 * rng.randrange(240))

    with ctx.db.transaction() as session:
        version_id = session.scalar(select(DefinitionVersion.id).where(DefinitionVersion.process_id == "trademark"))
        for i in range(60):
            right_type = ("trademark", "patent", "design")[i % 3]
            status = STATUSES[rng.randrange(len(STATUSES))]
            filed = today - timedelta(days=rng.choice([0, 3, 30, 31, 90, 91, 150, 180, 181, 300, 365, 366, 480]))
            instance = None
            if i % 11 != 5:  # a few cases whose process never started
                ended = status in ("refused", "withdrawn")
                end_day = min(today, filed + timedelta(days=rng.randrange(1, 200))) if ended else None
                instance = ProcessInstance(
                    definition_version_id=version_id,
                    process_id="trademark",
                    status=("completed" if status == "refused" else "terminated")
                    if ended
                    else rng.choice(["running", "running", "error", "suspended"]),
                    state="{}",
                    serializer_version="1",
                    schema_version=1,
                    started_by="seed",
                    created_at=moment(filed),
                    updated_at=now,
                    completed_at=moment(end_day) if ended else None,
                )
                session.add(instance)
                session.flush()
            case = Case(
                right_type=right_type,
                status=status,
                filing_date=filed,
                title=f"Seed {i}",
                created_at=moment(filed),
                updated_at=now,
                instance_id=instance.id if instance else None,
            )
            session.add(case)
            session.flush()
            if status == "registered":
                registered = min(today, filed + timedelta(days=rng.randrange(20, 300)))
                expiry = today + timedelta(days=rng.choice([-10, 0, 20, 60, 150, 182, 185, 400]))
                session.add(
                    RegisterEntry(
                        case_id=case.id,
                        registration_number=f"R-{i}",
                        registered_on=registered,
                        term_start=filed,
                        expiry_date=expiry,
                        status=rng.choice(["in_force", "in_force", "lapsed"]),
                    )
                )
            if instance is not None:
                for t in range(rng.randrange(0, 4)):
                    created = moment(filed + timedelta(days=rng.randrange(0, 60)))
                    done = created + timedelta(minutes=6 * rng.randrange(1, 600))
                    due = rng.choice([None, done, done - timedelta(hours=5), done + timedelta(days=2)])
                    session.add(
                        HumanTask(
                            id=f"done-{i}-{t}",
                            instance_id=instance.id,
                            element_id="step",
                            name="Step",
                            status="completed",
                            created_at=created,
                            completed_at=min(done, now),
                            due_at=due,
                            completed_by=PEOPLE[rng.randrange(len(PEOPLE))],
                        )
                    )
                if rng.random() < 0.6:
                    session.add(
                        HumanTask(
                            id=f"open-{i}",
                            instance_id=instance.id,
                            element_id="step",
                            name="Step",
                            status="open",
                            created_at=moment(filed),
                            assignee=rng.choice(PEOPLE),
                            due_at=now + timedelta(days=rng.randrange(-5, 10)),
                        )
                    )
            for _ in range(rng.randrange(0, 3)):
                session.add(
                    Deadline(
                        case_id=case.id,
                        kind=rng.choice(["opposition", "deficiency", "renewal", "annuity"]),
                        legal_kind="statutory",
                        event_date=filed,
                        due_date=today + timedelta(days=rng.choice([-40, -1, 0, 1, 14, 15, 50, 120, 200])),
                        status=rng.choice(["open", "open", "met"]),
                    )
                )
            if rng.random() < 0.3:
                session.add(
                    FeeSheet(
                        case_id=case.id,
                        kind=rng.choice(["renewal", "annuity", "application"]),
                        currency="EUR",
                        total=Decimal(rng.randrange(50, 500)),
                        tariff="seed",
                        computed_at=now,
                        status=rng.choice(["due", "paid"]),
                        lines=[],
                    )
                )
        for p in range(9):
            session.add(
                Payment(
                    amount=Decimal(f"{rng.randrange(1, 90000)}.{p:02d}"),
                    currency=["EUR", "EUR", "USD"][p % 3],
                    reference=f"SEED-{p}",
                    received_at=now - timedelta(days=rng.randrange(1, 90), minutes=p),
                    matched=p % 4 == 0,
                )
            )


def rows(ctx, model) -> list:
    with ctx.db.reading() as session:
        return list(session.scalars(select(model)))


def nearest_rank(values: list, pct: int):
    ordered = sorted(values)
    return ordered[math.ceil(pct * len(ordered) / 100) - 1] if ordered else None


def expected(ctx, query: DashboardQuery) -> dict:
    """Every figure, computed in Python from all the rows (the slow way the SQL must agree with)."""
    cases, entries = rows(ctx, Case), {e.case_id: e for e in rows(ctx, RegisterEntry)}
    instances = {i.id: i for i in rows(ctx, ProcessInstance)}
    tasks, today = rows(ctx, HumanTask), query.today
    case_of_instance = {c.instance_id: c for c in cases if c.instance_id}
    wanted = [c for c in cases if query.right_type in (None, c.right_type)]
    in_range = lambda day: query.date_from <= day <= query.date_to  # noqa: E731
    ended = lambda c: c.instance_id and instances[c.instance_id].status in ("completed", "terminated") and c.id not in entries  # noqa: E731

    backlog = defaultdict(lambda: [0] * 5)
    for c in wanted:
        if c.id in entries or (c.instance_id and instances[c.instance_id].status in ("completed", "terminated")):
            continue
        age = (today - c.filing_date).days
        backlog[c.status][next((i for i, limit in enumerate(AGE_LIMITS) if age <= limit), 4)] += 1

    flow = Counter()
    for c in wanted:
        monday = lambda day: day - timedelta(days=day.weekday())  # noqa: E731
        if in_range(c.filing_date):
            flow[monday(c.filing_date), "filed"] += 1
        if c.id in entries and in_range(entries[c.id].registered_on):
            flow[monday(entries[c.id].registered_on), "registered"] += 1
        if ended(c) and in_range(instances[c.instance_id].completed_at.date()):
            flow[monday(instances[c.instance_id].completed_at.date()), "closed"] += 1

    firsts, decisions = defaultdict(list), defaultdict(list)
    for c in wanted:
        done = [t.completed_at for t in tasks if t.instance_id == c.instance_id and t.status == "completed" and t.completed_by]
        if c.instance_id and done and in_range(min(done).date()):
            firsts[c.right_type].append((min(done).date() - c.filing_date).days)
        if c.id in entries and in_range(entries[c.id].registered_on):
            decisions[c.right_type].append((entries[c.id].registered_on - c.filing_date).days)
        elif ended(c) and in_range(instances[c.instance_id].completed_at.date()):
            decisions[c.right_type].append((instances[c.instance_id].completed_at.date() - c.filing_date).days)
    pendency = {
        rt: (
            len(firsts[rt]),
            nearest_rank(firsts[rt], 50),
            nearest_rank(firsts[rt], 90),
            len(decisions[rt]),
            nearest_rank(decisions[rt], 50),
            nearest_rank(decisions[rt], 90),
        )
        for rt in set(firsts) | set(decisions)
    }

    counted = [
        t
        for t in tasks
        if t.status == "completed"
        and t.completed_by
        and in_range(t.completed_at.date())
        and t.instance_id in case_of_instance
        and query.right_type in (None, case_of_instance[t.instance_id].right_type)
    ]
    due_share = defaultdict(lambda: [0, 0, 0])
    handled = defaultdict(list)
    for t in counted:
        share = due_share[case_of_instance[t.instance_id].right_type]
        share[0] += 1
        share[1] += t.due_at is not None
        share[2] += t.due_at is not None and t.completed_at <= t.due_at
        handled[t.completed_by].append((t.completed_at - t.created_at).total_seconds() / 3600)
    assigned = Counter(
        t.assignee
        for t in tasks
        if t.status == "open"
        and t.assignee
        and t.instance_id in case_of_instance
        and query.right_type in (None, case_of_instance[t.instance_id].right_type)
    )
    names = {u.username: u.name for u in rows(ctx, User)}
    workload = {
        who: (
            names.get(who, who),
            assigned[who],
            len(handled[who]),
            round(nearest_rank(handled[who], 50), 1) if handled[who] else None,
        )
        for who in set(assigned) | set(handled)
    }

    kind_of = {c.id: c for c in wanted}
    deadlines = defaultdict(lambda: [0, 0])
    for d in rows(ctx, Deadline):
        if d.status == "open" and d.case_id in kind_of and d.due_date <= today + timedelta(days=14):
            deadlines[d.kind][0 if d.due_date < today else 1] += 1

    until = renewals_until(today)
    renewals = Counter()
    for e in entries.values():
        if e.case_id in kind_of and e.status == "in_force" and today <= e.expiry_date < until:
            renewals[e.expiry_date.replace(day=1), "expiring"] += 1
    for d in rows(ctx, Deadline):
        if d.case_id in kind_of and d.status == "open" and d.kind in ("renewal", "annuity") and today <= d.due_date < until:
            renewals[d.due_date.replace(day=1), d.kind] += 1
    fees = defaultdict(lambda: [0, Decimal(0)])
    for s in rows(ctx, FeeSheet):
        if s.case_id in kind_of and s.status == "due" and s.kind in ("renewal", "annuity"):
            fees[s.currency][0] += 1
            fees[s.currency][1] += s.total

    unmatched = [p for p in rows(ctx, Payment) if not p.matched]
    payments = {
        cur: (
            sum(1 for p in unmatched if p.currency == cur),
            sum(p.amount for p in unmatched if p.currency == cur),
            min(p.received_at for p in unmatched if p.currency == cur),
        )
        for cur in {p.currency for p in unmatched}
    }
    oldest = min(unmatched, key=lambda p: (p.received_at, p.id))
    return {
        "backlog": {k: tuple(v) for k, v in backlog.items()},
        "flow": flow,
        "pendency": pendency,
        "due_share": {k: tuple(v) for k, v in due_share.items()},
        "workload": workload,
        "deadlines": {k: tuple(v) for k, v in deadlines.items()},
        "renewals": renewals,
        "fees": {k: tuple(v) for k, v in fees.items()},
        "payments": payments,
        "oldest": oldest.reference,
    }


def assert_matches(board, want: dict) -> None:
    assert {r.stage: r.counts for r in board.backlog} == want["backlog"]
    assert all(r.total == sum(r.counts) for r in board.backlog)
    got_flow = Counter()
    for w in board.flow:
        for what, n in (("filed", w.filed), ("registered", w.registered), ("closed", w.closed_otherwise)):
            if n:
                got_flow[w.week, what] = n
    assert got_flow == want["flow"]
    assert {
        p.right_type: (
            p.first_action_cases,
            p.first_action_median,
            p.first_action_p90,
            p.decision_cases,
            p.decision_median,
            p.decision_p90,
        )
        for p in board.pendency
    } == want["pendency"]
    assert {d.right_type: (d.completed, d.with_due, d.on_time) for d in board.due_share} == want["due_share"]
    assert {w.username: (w.name, w.open_assigned, w.completed, w.median_hours) for w in board.workload} == want["workload"]
    assert {d.kind: (d.overdue, d.due_soon) for d in board.deadlines} == want["deadlines"]
    got_renewals = Counter()
    for m in board.renewals:
        for what, n in (("expiring", m.expiring_rights), ("renewal", m.renewal_limits), ("annuity", m.annuity_limits)):
            if n:
                got_renewals[m.month, what] = n
    assert got_renewals == want["renewals"]
    assert {f.currency: (f.sheets, f.total) for f in board.fees_awaiting} == want["fees"]
    assert {p.currency: (p.count, p.total, p.oldest_received_at) for p in board.payments} == want["payments"]
    assert board.oldest_payment.reference == want["oldest"]


def test_every_figure_equals_a_direct_computation_over_the_rows(office):
    # Two cases through the real process: filed, then worked by people three days later.
    at_examination = Office(office).file("trademark", trademark_filing())
    waiting = Office(office).file("patent", patent_filing())
    at_examination.move_days(3)
    trademark_at_examination(office, at_examination)
    today = office.clock.now().astimezone(office.office_zone).date()
    seed_history(office, today)

    query = dashboard_query(office, {"date_from": (today - timedelta(days=200)).isoformat(), "date_to": today.isoformat()})
    board = dashboard(office, query)
    assert_matches(board, expected(office, query))
    # The seeded history reaches every figure, so none of them agrees by being empty.
    assert board.backlog and board.pendency and board.due_share and board.workload and board.deadlines
    assert (
        sum(w.filed for w in board.flow) and sum(w.registered for w in board.flow) and sum(w.closed_otherwise for w in board.flow)
    )
    assert sum(m.expiring_rights for m in board.renewals) and board.fees_awaiting and board.payments
    # The real cases: both open at 0-30 days; the trademark's first action came 3 days after filing.
    real = {p.right_type: p for p in board.pendency}
    assert waiting.status() in {r.stage for r in board.backlog}
    assert real["trademark"].first_action_cases >= 1
    assert {w.username for w in board.workload} >= {"clerk"}

    for right_type in ("trademark", "patent", "design"):
        narrowed = DashboardQuery(query.date_from, query.date_to, right_type, today)
        assert_matches(dashboard(office, narrowed), expected(office, narrowed))
    short = DashboardQuery(today - timedelta(days=20), today - timedelta(days=2), None, today)
    assert_matches(dashboard(office, short), expected(office, short))


def test_the_weeks_cover_the_range_and_the_months_the_next_half_year(office):
    today = date(2026, 3, 2)
    query = DashboardQuery(date(2026, 1, 7), date(2026, 2, 28), None, today)
    board = dashboard(office, query)
    assert [w.label for w in board.flow] == [f"2026-W{n:02d}" for n in range(2, 10)]
    assert board.flow[0].week == date(2026, 1, 5)
    assert [m.month for m in board.renewals] == [date(2026, m, 1) for m in range(3, 9)]
    assert board.backlog == () and board.payments == () and board.oldest_payment is None


def test_a_table_for_its_csv_and_the_filter_refusing_what_it_cannot_read(office):
    today = date(2026, 3, 2)
    query = DashboardQuery.from_args({}, today)
    assert (query.date_from, query.date_to, query.right_type) == (date(2025, 12, 2), today, None)
    table = dashboard_table(office, query, "flow")
    assert table.columns[:3] == ("Week", "Week starts", "Filed")
    assert table.records[0][:2] == ("2025-W49", "2025-12-01")
    with pytest.raises(NotFound, match="no table 'nope'; choose one of backlog, flow"):
        dashboard_table(office, query, "nope")
    with pytest.raises(InvalidInput) as refused:
        DashboardQuery.from_args({"date_from": "2026-13-01", "right_type": "copyright", "page": "2"}, today)
    assert refused.value.fields == {
        "date_from": ["Give a date as YYYY-MM-DD."],
        "right_type": ["Choose one of: trademark, patent, design, or all right types."],
        "page": ["Not a dashboard filter: use the form's fields."],
    }
    with pytest.raises(InvalidInput) as backwards:
        DashboardQuery.from_args({"date_from": "2026-03-01", "date_to": "2026-02-01"}, today)
    assert backwards.value.fields == {"date_to": ["Give a 'to' date on or after the 'from' date."]}
    with pytest.raises(InvalidInput, match="at most three years"):
        DashboardQuery.from_args({"date_from": "2020-01-01"}, today)
