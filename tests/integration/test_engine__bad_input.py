"""Every refused action says what was wrong and leaves the database exactly as it was."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, InvalidInput, LibraryInvalid, NoMatch, NotFound, PermissionDenied
from engine.services.instances import start_instance
from engine.services.library import deploy_library
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task, list_tasks
from ipflow_testing import row_counts


@pytest.fixture
def waiting(ipflow):
    """A case with two open tasks: one for a clerk, one for an examiner."""
    start_instance(ipflow, "parallel_review", {}, business_key="B-1", actor="clerk")
    return {t.name: t for t in list_tasks(ipflow)}


def refused(ipflow, error, match, action):
    before = row_counts(ipflow)
    with pytest.raises(error, match=match) as caught:
        action()
    assert row_counts(ipflow) == before
    return caught.value


def test_form_data_that_breaks_the_form_is_refused_field_by_field(ipflow, waiting):
    task = waiting["Left check"]
    error = refused(ipflow, InvalidInput, "form has errors",
                    lambda: complete_task(ipflow, task.id, "clerk", {"note": "", "classes": 99}))
    assert error.fields["note"] == ["Required."]
    assert "45" in error.fields["classes"][0]
    error = refused(ipflow, InvalidInput, "form has errors",
                    lambda: complete_task(ipflow, task.id, "clerk", {"note": "ok", "colour": "red"}))
    assert "colour" in error.fields


def test_form_data_must_be_an_object(ipflow, waiting):
    refused(ipflow, InvalidInput, "JSON object", lambda: complete_task(ipflow, waiting["Left check"].id, "clerk", ["note"]))


def test_user_without_the_role_may_not_complete(ipflow, waiting):
    error = refused(ipflow, PermissionDenied, "offered to clerk",
                    lambda: complete_task(ipflow, waiting["Left check"].id, "examiner", {"note": "x"}))
    assert "examiner" in str(error)


def test_unknown_user_and_unknown_task(ipflow, waiting):
    refused(ipflow, NotFound, "no active user named 'ghost'", lambda: complete_task(ipflow, waiting["Left check"].id, "ghost", {"note": "x"}))
    refused(ipflow, NotFound, "does not exist", lambda: complete_task(ipflow, "no-such-task", "clerk", {"note": "x"}))


def test_completed_task_cannot_be_completed_again(ipflow, waiting):
    task = waiting["Left check"]
    complete_task(ipflow, task.id, "clerk", {"note": "first"})
    refused(ipflow, Conflict, "already completed by clerk", lambda: complete_task(ipflow, task.id, "clerk", {"note": "again"}))


def test_unmatched_and_malformed_messages(ipflow, waiting):
    refused(ipflow, NoMatch, "no process instance is waiting for message 'reply_received' with business_key=B-1",
            lambda: deliver_message(ipflow, "reply_received", {"business_key": "B-1"}))
    refused(ipflow, InvalidInput, "cannot be delivered", lambda: deliver_message(ipflow, "reply_received", {}))
    refused(ipflow, InvalidInput, "cannot be delivered", lambda: deliver_message(ipflow, "reply_received", {"k": "v"}, ["x"]))


def test_unknown_process_and_bad_start_data(ipflow):
    refused(ipflow, NotFound, "no deployed process 'nope'", lambda: start_instance(ipflow, "nope", {}))
    refused(ipflow, InvalidInput, "JSON object", lambda: start_instance(ipflow, "parallel_review", "not an object"))


def test_a_broken_library_deploys_nothing(ipflow, library):
    (library / "bpmn" / "broken.bpmn").write_text("<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n<oops>\n")
    error = refused(ipflow, LibraryInvalid, "not well-formed", lambda: deploy_library(ipflow))
    assert [p.file for p in error.problems] == ["broken.bpmn"]
    assert str(error.problems[0]).startswith("broken.bpmn:3: -: not well-formed XML")
