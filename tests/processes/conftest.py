"""Scenario fixtures: the real library in bpmn/ and forms/, deployed into a fresh database."""

from __future__ import annotations

import pytest

from engine.services.library import deploy_library
from scenario_support import Office


@pytest.fixture
def office(ipflow, tmp_path) -> Office:
    deploy_library(ipflow, actor="test")
    return Office(ipflow)
