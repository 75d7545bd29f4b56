"""A small test library (tests/data/library) deployed into a fresh database, with a test operator
whose failures the test controls."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.container import Ipflow
from engine.db.models import Base
from engine.db.session import Database
from engine.operators import default_operators
from engine.runtime.operators import OperatorRegistry
from engine.services.library import deploy_library

LIBRARY = Path(__file__).resolve().parents[1] / "data" / "library"


@dataclass
class Gateway:
    """Stands in for an outside payment gateway: fails while `failures_left` > 0."""

    failures_left: int = 0
    calls: int = 0

    def charge(self, ctx, amount: int) -> dict:
        self.calls += 1
        if self.failures_left > 0:
            self.failures_left -= 1
            raise ConnectionError("gateway unreachable")
        return {"charged": amount, "key": ctx.idempotency_key}


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def operators(gateway):
    registry = OperatorRegistry()
    registry.operator("test_flaky", asynchronous=True, tries=3, backoff=(60, 300))(gateway.charge)
    registry.operator("test_block", asynchronous=True, tries=3)(lambda ctx, label: {"done": label})
    return default_operators().merged(registry)


@pytest.fixture
def office(settings, clock) -> Ipflow:
    """A fresh database with every table and no process library (cases and numbers need none)."""
    db = Database(settings.database_url)
    Base.metadata.create_all(db.engine)
    yield Ipflow.create(settings, clock=clock, operators=OperatorRegistry(), database=db)
    db.dispose()


@pytest.fixture
def library(tmp_path):
    root = tmp_path / "library"
    shutil.copytree(LIBRARY, root)
    return root


@pytest.fixture
def ipflow(ipflow: Ipflow, library) -> Ipflow:
    ipflow.settings = ipflow.settings.replace(bpmn_path=library / "bpmn", forms_path=library / "forms")
    deploy_library(ipflow, actor="test")
    return ipflow
