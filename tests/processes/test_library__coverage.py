"""Together, the scenario tests complete every flow node of every diagram in bpmn/.

This test runs every scenario (test_<right>__paths.py) again on its own fresh SQLite database and
collects the elements completed from the audit rows; it fails below 100% and names what no
scenario reaches.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from engine.clock import ManualClock
from engine.services.library import deploy_library
from ipflow_testing import REPO, build_ipflow
from scenario_support import Office, elements_touched

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
    "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}
SCENARIO_MODULES = sorted(p.stem for p in Path(__file__).parent.glob("test_*__paths.py"))


def library_elements() -> dict[str, str]:
    """Every flow node id in the library's executable processes -> the file it is in."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "bpmn").rglob("*.bpmn")):
        tree = etree.parse(str(path))
        for process in tree.iter(f"{{{BPMN_NS}}}process"):
            if process.get("isExecutable") != "true":
                continue
            for element in process.iter():
                if etree.QName(element).localname in FLOW_NODES and element.get("id"):
                    assert element.get("id") not in found, f"element id {element.get('id')} is used twice in the library"
                    found[element.get("id")] = path.relative_to(REPO).as_posix()
    return found


def test_scenarios_complete_every_element_of_every_diagram(tmp_path, mailbox):
    assert SCENARIO_MODULES, "no scenario modules found"
    touched: set[str] = set()
    for module_name in SCENARIO_MODULES:
        module = importlib.import_module(module_name)
        for name, scenario in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_") or list(inspect.signature(scenario).parameters) != ["office"]:
                continue
            run_dir = tmp_path / f"{module_name}.{name}"
            run_dir.mkdir()
            clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
            ipflow = build_ipflow(f"sqlite:///{run_dir / 'db.sqlite3'}", run_dir / "instance", clock, mail_port=mailbox.port)
            try:
                deploy_library(ipflow, actor="coverage")
                scenario(Office(ipflow))
                touched |= {element for _, element in elements_touched(ipflow)}
            finally:
                ipflow.db.dispose()
    elements = library_elements()
    missing = sorted(f"{file}: {element}" for element, file in elements.items() if element not in touched)
    covered = 100 * (len(elements) - len(missing)) / len(elements)
    assert not missing, f"element coverage {covered:.1f}%; no scenario completes:\n" + "\n".join(missing)
