"""The diff between two deployed versions names the BPMN elements added, removed and changed, says
what changed about each, flags user tasks and timers, and reaches into called processes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from engine.errors import NotFound
from engine.services.version_diff import diff_versions
from ipflow_testing import REPO
from library_editing import OPPOSITION_P3M, copy_library, edit, office_root, redeploy
from webui.cli import main


@pytest.fixture
def office_library(tmp_path):
    """The office's real library, copied so that the test may edit it."""
    return copy_library(tmp_path / "office")


@pytest.fixture
def office_ipflow(ipflow, office_library):
    """An Ipflow on the same database that runs the real library (deployed as version 1)."""
    return office_root(ipflow, office_library, ipflow.operators)


def test_a_relabelled_user_task_a_changed_period_and_a_called_process_show_as_changed(office_ipflow, office_library):
    ipflow = office_ipflow
    edit(office_library / "bpmn" / "common" / "time_limits.dmn", OPPOSITION_P3M, OPPOSITION_P3M.replace('"P3M"', '"P2M"'))
    edit(office_library / "bpmn" / "trademark" / "trademark.bpmn", 'name="Examine absolute grounds"', 'name="Examine the absolute grounds"')
    edit(office_library / "bpmn" / "common" / "collect_fee.bpmn", 'name="Await payment"', 'name="Wait for the payment"')
    edit(office_library / "forms" / "trademark" / "opposition_decision.form.json", '"label": "', '"label": "The ')
    assert redeploy(ipflow, "trademark") == 2

    diff = diff_versions(ipflow, "trademark", 1, 2)

    assert (diff.added, diff.removed) == ((), ())
    changed = {(c.process_id, c.element_id): c for c in diff.changed}
    assert set(changed) == {
        ("trademark", "examination"), ("trademark", "look_up_limits"), ("trademark", "opposition_decision"), ("collect_fee", "fee_wait")
    }
    examination = changed["trademark", "examination"]
    assert (examination.name, examination.kind, examination.changes) == ("Examine the absolute grounds", "user task", ("label",))
    assert changed["trademark", "opposition_decision"].changes == ("form",)  # forms are files beside the diagram
    assert diff.user_tasks_changed == (examination, changed["trademark", "opposition_decision"])
    assert changed["trademark", "look_up_limits"].changes == ("decision table",)
    assert changed["trademark", "look_up_limits"].kind == "business rule task"
    fee_wait = changed["collect_fee", "fee_wait"]
    assert fee_wait.timer and fee_wait.kind == "event-based gateway"  # it holds the payment time limit
    assert diff.unchanged_count > 60  # every other element of the trademark and collect_fee processes
    assert [c.element_id for c in diff.changed] == ["examination", "look_up_limits", "opposition_decision", "fee_wait"]  # top process first


def test_added_and_removed_elements_and_a_changed_timer(ipflow, library):
    path = library / "bpmn" / "deadline.bpmn"
    edit(path, '"P2M"', '"P3M"')
    # the reply is no longer recorded by a person, and a lapse now notifies someone first
    edit(path, '<bpmn:sequenceFlow id="f4" sourceRef="got_reply" targetRef="record" />', '<bpmn:sequenceFlow id="f4" sourceRef="got_reply" targetRef="answered" />')
    edit(path, '<bpmn:incoming>f6</bpmn:incoming>', '<bpmn:incoming>f4</bpmn:incoming>')
    text = path.read_text()
    start, end = text.index('<bpmn:userTask id="record"'), text.index("</bpmn:userTask>") + len("</bpmn:userTask>")
    path.write_text(text[:start] + text[end:])
    edit(path, '<bpmn:sequenceFlow id="f6" sourceRef="record" targetRef="answered" />', "")
    edit(path, '<bpmn:sequenceFlow id="f7" sourceRef="lapse" targetRef="withdrawn" />',
         '<bpmn:sequenceFlow id="f7" sourceRef="lapse" targetRef="notify" /><bpmn:sequenceFlow id="f8" sourceRef="notify" targetRef="withdrawn" />')
    edit(path, '<bpmn:endEvent id="withdrawn"><bpmn:incoming>f7</bpmn:incoming>',
         '<bpmn:scriptTask id="notify" name="Note the lapse"><bpmn:incoming>f7</bpmn:incoming><bpmn:outgoing>f8</bpmn:outgoing>'
         '<bpmn:script>noted = True</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="withdrawn"><bpmn:incoming>f8</bpmn:incoming>')
    assert redeploy(ipflow, "deadline") == 2

    diff = diff_versions(ipflow, "deadline", 1, 2)

    assert [(c.element_id, c.name, c.kind) for c in diff.added] == [("notify", "Note the lapse", "script task")]
    assert [(c.element_id, c.name, c.kind, c.user_task) for c in diff.removed] == [("record", "Record reply", "user task", True)]
    changed = {c.element_id: c for c in diff.changed}
    assert changed["wait"].timer and "event" in changed["wait"].changes  # the gateway holds the timer's duration
    assert diff.timers_changed == (changed["wait"],)
    assert "outgoing flows" in changed["got_reply"].changes and "outgoing flows" in changed["lapse"].changes
    assert "record" not in changed and not diff.identical


def test_comparing_a_version_with_itself_finds_nothing_and_unknown_versions_are_named(ipflow):
    same = diff_versions(ipflow, "deadline", 1, 1)
    assert same.identical and same.unchanged_count == 8  # start, gateway, two catch events, user task, script, two ends
    with pytest.raises(NotFound, match=r"has no version 4 \(deployed versions: 1\)"):
        diff_versions(ipflow, "deadline", 1, 4)
    with pytest.raises(NotFound, match="never deployed"):
        diff_versions(ipflow, "no_such_process", 1, 2)


def test_the_cli_prints_the_diff_as_lines_and_as_json(ipflow, library, settings):
    edit(library / "bpmn" / "deadline.bpmn", 'name="Record reply"', 'name="Record the reply"')
    redeploy(ipflow, "deadline")
    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    runner = CliRunner()

    text = runner.invoke(main, ["--config", str(REPO / "config.yaml"), "diff", "deadline", "1", "2"], env=env)
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == [
        "deadline v1 -> v2: 0 added, 0 removed, 1 changed, 7 unchanged",
        "  ~ record 'Record the reply' (user task): label",
    ]
    as_json = runner.invoke(main, ["--config", str(REPO / "config.yaml"), "diff", "deadline", "1", "2", "--json"], env=env)
    data = json.loads(as_json.output)
    assert data["changed"][0] | {"changes": tuple(data["changed"][0]["changes"])} == {
        "element_id": "record", "name": "Record the reply", "kind": "user task", "process_id": "deadline",
        "changes": ("label",), "user_task": True, "timer": False,
    }
    missing = runner.invoke(main, ["--config", str(REPO / "config.yaml"), "diff", "deadline", "1", "9"], env=env)
    assert missing.exit_code == 1 and "has no version 9" in missing.output
