"""Row 8: the task inbox with 100k open tasks: `inbox_page` p50/p95, and the whole GET /inbox page.

The tasks, their cases, applicants and candidate roles are written in bulk with INSERT ... SELECT
generate_series (seconds, not the hours real processes would take), spread over the three right
types, five task kinds, the clerk / examiner / registrar roles, 105 days of due dates (some
overdue, some none) and a tenth of them assigned. As many completed tasks sit beside them, as
history does in a running office.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.support import Row, bench_ipflow, fresh_database, percentile, run_script, vacuum_analyze
from engine.services.inbox import inbox_page
from engine.services.inbox_query import InboxQuery
from engine.services.users import sync_roles_and_demo_users

TARGET_MS = 50.0
PAGE_TARGET_MS = 100.0
SEARCH_TARGET_MS = 150.0  # a substring search reads every case once (no trigram index)

# Stage n of every case: (element id, task name, candidate roles). Position in the array = stage + 1.
SEED = """
INSERT INTO definition_versions (id, process_id, name, version, content_hash, spec_json, serializer_version, deployed_at,
                                 deployed_by)
VALUES (1, 'bench_case', 'Bench case', 1, repeat('0', 64), '{}', '1', now(), 'bench');

INSERT INTO process_instances (id, definition_version_id, process_id, business_key, status, state, serializer_version,
                               schema_version, lock_version, started_by, created_at, updated_at)
SELECT g, 1, 'bench_case', NULL, 'running', '{}', '1', 1, 1, 'bench', now(), now() FROM generate_series(1, :n) g;

INSERT INTO cases (id, application_number, right_type, status, filing_date, title, created_at, updated_at, instance_id)
SELECT g, (ARRAY['40', '10', '50'])[g % 3 + 1] || '-2026-' || lpad(g::text, greatest(6, length(g::text)), '0'),
       (ARRAY['trademark', 'patent', 'design'])[g % 3 + 1], 'examination', DATE '2026-01-01' + (g % 300),
       (ARRAY['MARK ', 'Method of making ', 'Design of '])[g % 3 + 1] || g, now(), now(), g
FROM generate_series(1, :n) g;

INSERT INTO trademark_details (case_id, mark_kind, mark_type, verbal_element)
SELECT g, 'individual', 'word', 'MARK ' || g FROM generate_series(1, :n) g WHERE g % 3 = 0;

INSERT INTO parties (case_id, role, position, name, country)
SELECT g, 'applicant', 0, 'Applicant ' || (g % 5000) || ' Ltd', 'BG' FROM generate_series(1, :n) g;

INSERT INTO human_tasks (id, instance_id, element_id, name, status, assignee, priority, due_at, created_at, business_key,
                         offered_roles)
SELECT md5('open' || g)::uuid::text, g,
       (ARRAY['check', 'formalities', 'examination', 'classification', 'registration'])[(g / 3) % 5 + 1],
       (ARRAY['Check the filing-date requirements', 'Examine the formalities', 'Examine the application',
              'Check the classification', 'Register the right'])[(g / 3) % 5 + 1],
       'open',
       CASE WHEN g % 10 = 0 THEN (ARRAY['clerk', 'examiner', 'registrar', 'manager'])[(g / 10) % 4 + 1] END,
       g % 3,
       CASE WHEN g % 20 <> 7 THEN now() + make_interval(days => ((g::bigint * 7919) % 105 - 15)::int, hours => g % 24) END,
       now() - make_interval(mins => g % 100000),
       (ARRAY['40', '10', '50'])[g % 3 + 1] || '-2026-' || lpad(g::text, greatest(6, length(g::text)), '0'),
       (ARRAY['|clerk|', '|clerk|', '|examiner|', '|clerk|examiner|', '|registrar|'])[(g / 3) % 5 + 1]
FROM generate_series(1, :n) g;

INSERT INTO task_candidate_roles (task_id, role)
SELECT md5('open' || g)::uuid::text, (ARRAY['clerk', 'clerk', 'examiner', 'examiner', 'registrar'])[(g / 3) % 5 + 1]
FROM generate_series(1, :n) g
UNION ALL
SELECT md5('open' || g)::uuid::text, 'clerk' FROM generate_series(1, :n) g WHERE (g / 3) % 5 = 3;

SELECT setval(pg_get_serial_sequence('process_instances', 'id'), :n);
SELECT setval(pg_get_serial_sequence('cases', 'id'), :n);
"""

# Completed tasks :lo..:hi, spread over the :n cases (history: several finished steps per case). Their ids
# ascend (uuid-shaped counters): ten million random keys would spend the seeding on index page splits.
CLOSED = """
INSERT INTO human_tasks (id, instance_id, element_id, name, status, priority, created_at, completed_at, completed_by, offered_roles)
SELECT lpad(to_hex(g), 32, '0')::uuid::text, g % :n + 1, 'receipt', 'Record the receipt', 'completed', 0, now() - interval '30 days',
       now() - interval '29 days', 'clerk', '|clerk|'
FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) g;

INSERT INTO task_candidate_roles (task_id, role) SELECT lpad(to_hex(g), 32, '0')::uuid::text, 'clerk' FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) g;
"""
CLOSED_CHUNK = 1_000_000


def seed(ctx, n: int, closed: int | None = None, budget_s: float = float("inf")) -> int:
    """`n` open tasks on `n` cases and `closed` (default `n`) completed ones, written in chunks until
    they are all in or `budget_s` seconds have passed; how many completed tasks were written."""
    started = time.monotonic()
    closed = n if closed is None else closed
    run_script(ctx, SEED, {"n": n})
    written = 0
    while written < closed and time.monotonic() - started < budget_s:
        hi = min(closed, written + CLOSED_CHUNK)
        run_script(ctx, CLOSED, {"n": n, "lo": written + 1, "hi": hi})
        written = hi
    vacuum_analyze(ctx)
    return written


def timed_ms(action: Callable[[], object], runs: int = 50, warmups: int = 5) -> list[float]:
    for _ in range(warmups):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def signed_in_client(ctx, username: str):
    from webui import create_app

    app = create_app(ctx.settings.replace(secret_key="bench-secret"), ipflow=ctx)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": username, "csrf_token": token})
    assert response.status_code == 302, "the bench could not sign in"
    return client


def measure(tasks: int = 100_000) -> list[Row]:
    url = fresh_database()
    ctx = bench_ipflow(url, Path(tempfile.mkdtemp(prefix="ipflow-bench-")))
    sync_roles_and_demo_users(ctx)
    seed(ctx, tasks)
    label = f"{tasks // 1000}k open + {tasks // 1000}k done tasks"
    rows = []
    cases = [
        ("clerk", InboxQuery(tab="groups", right_type="trademark"), "clerk groups, trademarks, by due", TARGET_MS),
        ("clerk", InboxQuery(tab="groups"), "clerk groups, by due", TARGET_MS),
        ("manager", InboxQuery(tab="all"), "manager all, by due", TARGET_MS),
        ("clerk", InboxQuery(tab="groups", text="mark 4242"), "clerk groups, text search", SEARCH_TARGET_MS),
    ]
    for user, query, name, target in cases:
        first = inbox_page(ctx, user, query)
        times = timed_ms(lambda user=user, query=query: inbox_page(ctx, user, query))
        found = f"{first.total}{'+' if first.total_capped else ''}"
        detail = f"{label}; {found} match, {len(first.rows)} shown; 50 runs"
        rows.append(Row(f"inbox_page {name} p50", percentile(times, 50), target, "ms", detail=detail))
        rows.append(Row(f"inbox_page {name} p95", percentile(times, 95), target, "ms", detail=detail))
    client = signed_in_client(ctx, "clerk")

    def get_page():
        response = client.get("/inbox?tab=groups&right_type=trademark")
        assert response.status_code == 200

    times = timed_ms(get_page)
    rows.append(
        Row(
            "GET /inbox clerk groups, trademarks p95",
            percentile(times, 95),
            PAGE_TARGET_MS,
            "ms",
            detail=f"Flask test client, signed in; p50 {percentile(times, 50):.1f} ms",
        )
    )
    ctx.db.dispose()
    return rows


def measure_scale(open_tasks: int = 1_000_000, closed_tasks: int = 10_000_000, budget_s: float = 240) -> list[Row]:
    """Row "inbox at scale": the clerk's first page of trademarks by due date among `open_tasks` open
    and up to `closed_tasks` completed tasks (as many as `budget_s` of seeding allows; the detail says)."""
    url = fresh_database()
    ctx = bench_ipflow(url, Path(tempfile.mkdtemp(prefix="ipflow-bench-")))
    sync_roles_and_demo_users(ctx)
    started = time.monotonic()
    closed = seed(ctx, open_tasks, closed_tasks, budget_s)
    seeded_s = time.monotonic() - started
    query = InboxQuery(tab="groups", right_type="trademark")
    first = inbox_page(ctx, "clerk", query)
    times = timed_ms(lambda: inbox_page(ctx, "clerk", query))
    ctx.db.dispose()
    found = f"{first.total}{'+' if first.total_capped else ''}"
    detail = (
        f"{open_tasks:,} open + {closed:,} done tasks ({closed_tasks:,} asked), seeded and analysed in {seeded_s:.0f} s; "
        f"{found} match, {len(first.rows)} shown; 50 runs; p50 {percentile(times, 50):.1f} ms"
    )
    return [Row("inbox at scale: clerk groups, trademarks, by due p95", percentile(times, 95), TARGET_MS, "ms", detail=detail)]
