"""Deployed versions are content-hashed; running instances stay on theirs, forms included."""

from __future__ import annotations

import json

import pytest

from engine.db.models import DefinitionVersion, ProcessInstance
from engine.errors import InvalidInput
from engine.services.instances import show_instance, start_instance
from engine.services.library import deploy_library
from engine.services.tasks import complete_task, list_tasks


def versions(ipflow, process_id):
    with ipflow.db.reading() as session:
        return [v.version for v in session.query(DefinitionVersion).filter_by(process_id=process_id).order_by(DefinitionVersion.version)]


def test_unchanged_files_make_no_new_version(ipflow):
    again = {d.process_id: d for d in deploy_library(ipflow)}
    assert not any(d.created for d in again.values())
    assert versions(ipflow, "parallel_review") == [1]


def test_changed_diagram_makes_version_2_and_running_cases_stay_on_1(ipflow, library):
    old = start_instance(ipflow, "deadline", {}, business_key="V-1")
    path = library / "bpmn" / "deadline.bpmn"
    path.write_text(path.read_text().replace('"P2M"', '"P3M"'))
    deployed = {d.process_id: d for d in deploy_library(ipflow)}
    assert deployed["deadline"].created and deployed["deadline"].version == 2
    assert not deployed["parallel_review"].created  # only what changed gets a new version

    new = start_instance(ipflow, "deadline", {}, business_key="V-2")
    assert (show_instance(ipflow, old.id).version, show_instance(ipflow, new.id).version) == (1, 2)
    old_due = show_instance(ipflow, old.id).pending_jobs[0]["due_at"]
    new_due = show_instance(ipflow, new.id).pending_jobs[0]["due_at"]
    assert (old_due[:10], new_due[:10]) == ("2026-05-02", "2026-06-02")


def test_a_changed_form_applies_to_new_cases_only(ipflow, library):
    old = start_instance(ipflow, "parallel_review", {}, business_key="F-1")
    form_path = library / "forms" / "test" / "note.form.json"
    form = json.loads(form_path.read_text())
    form["components"][0]["validate"]["maxLength"] = 5
    form_path.write_text(json.dumps(form))
    assert {d.process_id: d.version for d in deploy_library(ipflow)}["parallel_review"] == 2
    new = start_instance(ipflow, "parallel_review", {}, business_key="F-2")

    def left_of(instance):
        return next(t for t in list_tasks(ipflow, user="clerk") if t.instance_id == instance.id)

    complete_task(ipflow, left_of(old).id, "clerk", {"note": "a long note"})  # v1 form: up to 50
    with pytest.raises(InvalidInput) as refused:
        complete_task(ipflow, left_of(new).id, "clerk", {"note": "a long note"})
    assert "5" in refused.value.fields["note"][0]


def test_state_is_stored_without_the_spec(ipflow):
    instance = start_instance(ipflow, "parallel_review", {"applicant": "ACME"}, business_key="S-1")
    with ipflow.db.reading() as session:
        row = session.get(ProcessInstance, instance.id)
        state = json.loads(row.state)
        version = session.get(DefinitionVersion, row.definition_version_id)
        assert "spec" not in state and "subprocess_specs" not in state
        assert state["serializer_version"] == row.serializer_version == version.serializer_version
        assert row.schema_version == 1
        assert "both_done = True" in version.spec_json and "both_done = True" not in row.state
