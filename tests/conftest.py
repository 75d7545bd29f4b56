"""Fixtures shared by every test: settings, a fresh database per test (SQLite, and PostgreSQL
when IPFLOW_TEST_DATABASE_URL is set), the injected clock and an `Ipflow` built from them."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from engine.clock import ManualClock
from engine.operators import default_operators
from engine.settings import load_settings
from ipflow_testing import REPO, MailBox, build_ipflow

PG_URL = os.environ.get("IPFLOW_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def pytest_sessionstart(session):
    if PG_URL:
        try:
            engine = create_engine(PG_URL)
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
        except Exception as exc:  # set but unreachable is a failure, never a skip
            raise pytest.UsageError(f"IPFLOW_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}") from exc


def reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ipflow-test.sqlite3'}"
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture(scope="session")
def mailbox():
    box = MailBox().start()
    yield box
    box.stop()


@pytest.fixture
def settings(database_url, tmp_path, mailbox):
    return load_settings(
        REPO / "config.yaml",
        env={
            "IPFLOW_DATABASE_URL": database_url,
            "IPFLOW_INSTANCE_PATH": str(tmp_path / "instance"),
            "IPFLOW_MAIL_PORT": str(mailbox.port),
        },
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def operators():
    return default_operators()


@pytest.fixture
def ipflow(settings, clock, operators):
    ctx = build_ipflow(settings.database_url, settings.instance_path, clock, operators, mail_port=settings.mail.port)
    yield ctx
    ctx.db.dispose()
