"""Editing a copy of the office's real library and deploying it again, for the tests of what
happens between versions (diffs, instance migration, export, the studio's workspace). The real
bpmn/ and forms/ folders are never written to."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.container import Ipflow
from engine.services.library import deploy_library
from ipflow_testing import REPO, build_ipflow

# The opposition period in time_limits.dmn, to be changed by a test (e.g. to "P2M").
OPPOSITION_P3M = '<text>"opposition"</text></outputEntry>\n        <outputEntry id="time_limits_rule3_out1"><text>"P3M"</text>'

# The trademark process as the studio names it, and its first user task as the file spells it.
TRADEMARK = "trademark/trademark.bpmn"
TASK_NAME = 'id="check" name="Check the filing-date requirements"'


def copy_library(root: Path) -> Path:
    """bpmn/ and forms/ of the repository copied below `root`, so that the test may edit them."""
    shutil.copytree(REPO / "bpmn", root / "bpmn")
    shutil.copytree(REPO / "forms", root / "forms")
    return root


def office_root(ipflow: Ipflow, library: Path, operators) -> Ipflow:
    """An Ipflow on the same database that runs `library` (deployed by the analyst); a composition
    root of its own, because the letter templates are found once per root."""
    settings = ipflow.settings.replace(bpmn_path=library / "bpmn", forms_path=library / "forms")
    ctx = Ipflow.create(settings, clock=ipflow.clock, operators=operators, database=ipflow.db)
    deploy_library(ctx, actor="analyst")
    return ctx


@contextmanager
def deployed_office(settings, clock, operators) -> Iterator[Ipflow]:
    """A fresh database with the office's real library (bpmn/, forms/) deployed, disposed of after."""
    ctx = build_ipflow(settings.database_url, settings.instance_path, clock, operators, mail_port=settings.mail.port)
    deploy_library(ctx, actor="setup")
    yield ctx
    ctx.db.dispose()


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in a library file."""
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new))


def redeploy(ipflow: Ipflow, process_id: str) -> int:
    """Deploy the edited library; the process must get a new version, whose number is returned."""
    deployed = {d.process_id: d for d in deploy_library(ipflow, actor="analyst")}
    assert deployed[process_id].created
    return deployed[process_id].version
