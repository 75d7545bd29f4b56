"""A manager's day in a real browser, on real trademark cases: the dashboard filtered to
trademarks; the instance monitor's list filtered to trademarks, the heatmap of the process, one instance with its path, suspended and
resumed with reasons, its overdue task reassigned; an incident of a service task whose operator
really failed is retried and the case completes; two cases suspended in one bulk run with progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from browser_support import screenshot, sign_in
from engine.container import Ipflow
from engine.db.models import HumanTask, TaskStatus
from engine.operators import default_operators
from engine.runtime.operators import OperatorRegistry
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import run_due
from engine.services.library import deploy_library
from ipflow_testing import REPO
from scenario_support import Office, trademark_at_examination, trademark_filing

pytestmark = pytest.mark.browser

TEST_LIBRARY = REPO / "tests" / "data" / "library"


@dataclass
class Gateway:
    """An outside payment gateway that is down while `down` is set."""

    down: bool = True

    def charge(self, ctx, amount: int) -> dict:
        if self.down:
            raise ConnectionError("gateway unreachable")
        return {"charged": amount}


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def operators(gateway):
    registry = OperatorRegistry()
    registry.operator("test_flaky", asynchronous=True, tries=3, backoff=(60, 300))(gateway.charge)
    registry.operator("test_block", asynchronous=True, tries=3)(lambda ctx, label: {"done": label})  # the library's other call
    return default_operators().merged(registry)


def failing_call(ipflow: Ipflow) -> int:
    """The test library's flaky_call process deployed beside the office's, run until its call is an incident."""
    settings = ipflow.settings.replace(bpmn_path=TEST_LIBRARY / "bpmn", forms_path=TEST_LIBRARY / "forms")
    deploy_library(Ipflow.create(settings, clock=ipflow.clock, operators=ipflow.operators, database=ipflow.db), actor="test")
    instance = start_instance(ipflow, "flaky_call", {"amount": 5}, business_key="GW-1")
    for wait in (0, 60, 300):
        ipflow.clock.advance(timedelta(seconds=wait))
        run_due(ipflow)
    assert [j["status"] for j in show_instance(ipflow, instance.id).pending_jobs] == ["incident"]
    return instance.id


def at_check(ipflow: Ipflow) -> Office:
    case = Office(ipflow).file("trademark", trademark_filing())
    case.pay()
    return case


def test_a_manager_monitors_and_operates(office, gateway, page, browser_errors):
    ipflow = office.ipflow
    checking = [at_check(ipflow), at_check(ipflow)]
    trademark_at_examination(ipflow)
    incident = failing_call(ipflow)
    ipflow.clock.advance(timedelta(days=7))  # the checks were due in five days: overdue now

    sign_in(page, "manager")
    page.click("nav[aria-label=Management] a")  # the dashboard
    page.select_option("#right_type", "trademark")
    page.click(".dashboard-filters button[type=submit]")
    page.wait_for_selector("#chart-backlog[data-drawn=true]")
    assert "right_type=trademark" in page.url
    assert page.locator("table[data-table=backlog] tbody tr").count() >= 2  # a stage and the total row
    screenshot(page, "manager__dashboard-trademarks")

    page.click("nav[aria-label=Monitor] a")
    page.select_option("#m-process", "trademark")
    page.click("#monitor-filters button[type=submit]")
    assert page.locator("table.monitor-list tbody tr[data-instance-id]").count() == 3
    assert f'tr[data-instance-id="{incident}"]' not in page.content()
    screenshot(page, "manager__monitor")

    page.click("text=Heatmap of trademark")
    page.wait_for_selector(".monitor-heatmap[data-heatmap-ready=true]")
    counts = page.get_attribute(".monitor-heatmap", "data-counts").split()
    assert sorted(counts) == ["check:2", "examination:1"]
    assert page.locator(".monitor-badge").count() == 2
    screenshot(page, "manager__heatmap")

    page.click(".djs-overlay .monitor-badge:text-is('2')")  # the two cases at the check
    rows = page.locator("table.monitor-list tbody tr[data-instance-id]")
    assert sorted(int(r) for r in rows.evaluate_all("rows => rows.map(r => r.dataset.instanceId)")) == sorted(
        c.instance_id for c in checking
    )
    case = checking[0]
    page.click(f'a[href="/monitor/instances/{case.instance_id}"]')
    page.wait_for_selector(".case-diagram[data-diagram-ready=true]")
    assert page.get_attribute(".case-diagram", "data-current") == "check"

    page.fill("#suspend-reason", "Court order 12/2026")
    page.click("#suspend-form button")
    assert page.inner_text("#instance-status") == "suspended"
    assert "The instance was suspended." in page.inner_text("main")
    page.fill("#resume-reason", "Order lifted")
    page.click("#resume-form button")
    assert page.inner_text("#instance-status") == "running"

    task_id = case.tasks()[0].id
    page.select_option(f"#to-{task_id}", "clerk")
    page.click(f'tr[data-task-id="{task_id}"] button')
    assert "The task now lies with clerk." in page.inner_text("main")
    with ipflow.db.reading() as session:
        task = session.get(HumanTask, task_id)
        assert (task.assignee, task.status) == ("clerk", TaskStatus.OPEN) and task.due_at < ipflow.clock.now()
    screenshot(page, "manager__instance-ops")

    page.goto("/monitor?status=&incident=1")
    page.click(f'a[href="/monitor/instances/{incident}"]')
    assert "gateway unreachable" in page.inner_text("#jobs")
    gateway.down = False
    page.fill("#retry-reason", "The gateway is back")
    page.click("#retry-form button")
    assert "The incident is due again" in page.inner_text("main")
    run_due(ipflow)
    assert show_instance(ipflow, incident).status == "completed"

    page.goto("/monitor?process=trademark&activity=check")
    for c in checking:
        page.check(f'tr[data-instance-id="{c.instance_id}"] input[name=instance_ids]')
    page.select_option("#bulk-operation", "suspend")
    page.fill("#bulk-reason", "Audit of the check")
    page.click("#monitor-bulk button[type=submit]")
    page.wait_for_selector('#bulk-progress[data-state="done"]')
    assert page.inner_text("#bulk-status") == "Finished: 2 of 2 done, 0 refused."
    assert [show_instance(ipflow, c.instance_id).status for c in checking] == ["suspended", "suspended"]
    assert browser_errors == []
