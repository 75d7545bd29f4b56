"""The studio's workspace on the real library: drafts validated on save (the whole workspace, so a
DMN edit shows up on the BPMN it breaks), refusals, concurrent saves, deploying from the drafts,
and the library page's versions with the instances running on each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from engine.db.models import DefinitionVersion
from engine.db.models.library import LibraryDraft
from engine.errors import ConcurrentUpdate, Conflict, InvalidInput, NotFound
from engine.services.filing import file_application
from engine.services.instances import show_instance, start_instance
from engine.services.library_view import library_overview
from engine.services.workspace import (
    MAX_FILE_BYTES,
    deploy_workspace,
    discard_draft,
    open_file,
    save_file,
    workspace_files,
)
from library_editing import TASK_NAME, TRADEMARK, deployed_office
from scenario_support import trademark_filing

CONDITION = ">decision == 'accept'</bpmn:conditionExpression>"


@pytest.fixture
def studio(settings, clock, operators):
    """A fresh database with the office's real library (bpmn/, forms/) deployed."""
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


def edit(ctx, path: str, old: str, new: str) -> str:
    content = open_file(ctx, path).content
    assert content.count(old) == 1, f"{old!r} should occur once in {path}"
    return content.replace(old, new)


def line_of(content: str, text: str) -> int:
    return content[: content.index(text)].count("\n") + 1


def drafts(ctx) -> dict[str, LibraryDraft]:
    with ctx.db.reading() as session:
        return {d.path: d for d in session.scalars(select(LibraryDraft))}


def version_count(ctx) -> int:
    with ctx.db.reading() as session:
        return session.scalar(select(func.count()).select_from(DefinitionVersion))


def test_the_workspace_is_the_deployed_library(studio):
    files = {f.path: f for f in workspace_files(studio)}
    assert {"common/collect_fee.bpmn", "common/time_limits.dmn", TRADEMARK, "forms/trademark/formalities.form.json"} <= set(files)
    assert {f.kind for f in files.values()} == {"bpmn", "dmn", "form", "letter"}
    assert not any(f.drafted or f.problem_count for f in files.values())
    opened = open_file(studio, TRADEMARK)
    assert opened.content.startswith("<?xml") and opened.sha256 == opened.base_sha256 == files[TRADEMARK].sha256


def test_an_unknown_path_is_not_found_by_name(studio):
    with pytest.raises(NotFound, match="trademark/nothing.bpmn"):
        open_file(studio, "trademark/nothing.bpmn")


def test_a_broken_condition_names_its_element_and_line_and_blocks_deploy_until_fixed(studio):
    renamed = edit(studio, TRADEMARK, TASK_NAME, 'id="check" name="Check the filing date"')
    broken = renamed.replace(CONDITION, ">decision == </bpmn:conditionExpression>")
    opened = open_file(studio, TRADEMARK)

    saved = save_file(studio, TRADEMARK, broken, "analyst", expected_sha256=opened.sha256)
    [problem] = saved.problems
    assert (problem.file, problem.element_id) == (TRADEMARK, "flow_exam_gw_publish_application")
    assert problem.line == line_of(broken, 'id="flow_exam_gw_publish_application"')
    assert "does not compile" in problem.message
    assert open_file(studio, TRADEMARK).problems == saved.problems
    assert {f.path: f.problem_count for f in workspace_files(studio) if f.drafted} == {TRADEMARK: 1}

    before = version_count(studio)
    with pytest.raises(Conflict, match="flow_exam_gw_publish_application"):
        deploy_workspace(studio, "analyst")
    assert version_count(studio) == before and set(drafts(studio)) == {TRADEMARK}

    fixed = save_file(studio, TRADEMARK, renamed, "analyst", expected_sha256=saved.sha256)
    assert fixed.problems == () and fixed.drafted
    deployed = {d.process_id: d for d in deploy_workspace(studio, "analyst")}
    assert [p for p, d in deployed.items() if d.created] == ["trademark"] and deployed["trademark"].version == 2
    assert drafts(studio) == {}
    now = open_file(studio, TRADEMARK)
    assert not now.drafted and now.sha256 == fixed.sha256 and 'name="Check the filing date"' in now.content


def test_a_running_case_stays_on_its_version_when_the_workspace_is_deployed(studio):
    filing = file_application(studio, "trademark", trademark_filing(), actor="e-filing")
    save_file(studio, TRADEMARK, edit(studio, TRADEMARK, TASK_NAME, 'id="check" name="Check the filing date"'), "analyst")
    deploy_workspace(studio, "analyst")
    later = file_application(studio, "trademark", trademark_filing(), actor="e-filing")
    assert (show_instance(studio, filing.instance.id).version, show_instance(studio, later.instance.id).version) == (1, 2)


def test_a_dmn_edit_that_breaks_a_bpmn_shows_the_problem_on_the_bpmn(studio):
    dmn = "trademark/trademark_fees.dmn"
    saved = save_file(studio, dmn, edit(studio, dmn, 'decision id="trademark_fees"', 'decision id="tm_fees"'), "analyst")

    assert {p.file for p in saved.problems} == {TRADEMARK}
    assert {p.element_id for p in saved.problems} == {"filing_fees", "renewal_fees", "grace_fees"}
    files = {f.path: f for f in workspace_files(studio)}
    assert (files[TRADEMARK].drafted, files[TRADEMARK].problem_count) == (False, 3)
    assert (files[dmn].drafted, files[dmn].problem_count) == (True, 0)
    assert {p.element_id for p in open_file(studio, TRADEMARK).problems} == {"filing_fees", "renewal_fees", "grace_fees"}
    with pytest.raises(Conflict, match="trademark_fees"):
        deploy_workspace(studio, "analyst")

    assert discard_draft(studio, dmn, "analyst") == ()
    assert not any(f.drafted or f.problem_count for f in workspace_files(studio))


def test_a_broken_form_shows_its_problem_on_the_form(studio):
    form = "forms/demo/review.form.json"
    saved = save_file(studio, form, edit(studio, form, '"type": "textfield"', '"type": "no_such_field"'), "analyst")
    assert [(p.file, p.element_id) for p in saved.problems] == [(form, "reviewer_note")]
    assert [f.problem_count for f in workspace_files(studio) if f.path == form] == [1]


def test_problems_are_kept_on_every_draft_as_the_workspace_changes(studio):
    dmn = "trademark/trademark_fees.dmn"
    save_file(studio, TRADEMARK, edit(studio, TRADEMARK, TASK_NAME, 'id="check" name="Check the filing date"'), "analyst")
    save_file(studio, dmn, edit(studio, dmn, 'decision id="trademark_fees"', 'decision id="tm_fees"'), "analyst")
    assert {path: len(d.problems) for path, d in drafts(studio).items()} == {TRADEMARK: 3, dmn: 3}
    discard_draft(studio, dmn, "analyst")
    assert {path: d.problems for path, d in drafts(studio).items()} == {TRADEMARK: []}


def test_saving_the_deployed_content_again_removes_the_draft(studio):
    original = open_file(studio, TRADEMARK)
    save_file(studio, TRADEMARK, edit(studio, TRADEMARK, TASK_NAME, 'id="check" name="Renamed"'), "analyst")
    assert set(drafts(studio)) == {TRADEMARK}
    result = save_file(studio, TRADEMARK, original.content, "analyst")
    assert not result.drafted and result.sha256 == original.sha256
    assert drafts(studio) == {}


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/etc/trademark.bpmn",
        "../trademark/trademark.bpmn",
        "trademark/../../outside.bpmn",
        "trademark/./trademark.bpmn",
        "trademark\\trademark.bpmn",
        "trademark/.hidden.bpmn",
        "trademark.bpmn",
        "letters/trademark.bpmn",
        "trademark/notes.txt",
        "forms/letters/receipt.form.json",
        "forms/trademark/formalities.json",
        "C:/trademark/trademark.bpmn",
    ],
)
def test_paths_outside_the_library_folders_are_refused(studio, path):
    with pytest.raises(InvalidInput) as refused:
        save_file(studio, path, "<definitions/>", "analyst")
    assert "path" in refused.value.fields
    assert drafts(studio) == {}


def test_a_file_over_two_mebibytes_is_refused(studio):
    content = edit(studio, TRADEMARK, TASK_NAME, 'id="check" name="Renamed"')
    padded = content + "<!--" + "x" * (MAX_FILE_BYTES - len(content.encode()) - 6) + "-->"
    assert len(padded.encode()) == MAX_FILE_BYTES + 1
    with pytest.raises(InvalidInput) as refused:
        save_file(studio, TRADEMARK, padded, "analyst")
    assert "2 MiB" in refused.value.fields["content"][0]
    assert drafts(studio) == {}


def test_a_save_over_a_newer_save_is_refused_and_names_who_saved_when(studio, clock):
    opened = open_file(studio, TRADEMARK)  # both analysts open the deployed file
    clock.advance(timedelta(minutes=42))  # 09:42 UTC is 11:42 in the office (Europe/Sofia)
    ana = save_file(studio, TRADEMARK, opened.content.replace(TASK_NAME, 'id="check" name="By Ana"'), "analyst",
                    expected_sha256=opened.sha256)
    with pytest.raises(ConcurrentUpdate, match="Ana Analyst saved this file at 11:42 after you opened it"):
        save_file(studio, TRADEMARK, opened.content.replace(TASK_NAME, 'id="check" name="By Adam"'), "admin",
                  expected_sha256=opened.sha256)
    assert drafts(studio)[TRADEMARK].sha256 == ana.sha256

    last = save_file(studio, TRADEMARK, opened.content.replace(TASK_NAME, 'id="check" name="By Adam"'), "admin")
    assert (drafts(studio)[TRADEMARK].saved_by, drafts(studio)[TRADEMARK].sha256) == ("admin", last.sha256)  # last save wins


def test_a_new_file_is_a_draft_until_a_process_uses_it(studio):
    path = "trademark/notes.dmn"
    content = open_file(studio, "trademark/trademark_fees.dmn").content.replace("trademark_fees", "notes")  # every id
    created = save_file(studio, path, content, "analyst", expected_sha256="")
    assert created.drafted and created.problems == ()
    with pytest.raises(ConcurrentUpdate, match="Ana Analyst saved this file"):
        save_file(studio, path, content, "analyst", expected_sha256="")
    [new] = [f for f in workspace_files(studio) if f.path == path]
    assert (new.kind, new.drafted, new.base_sha256) == ("dmn", True, None)

    deployed = deploy_workspace(studio, "analyst")
    assert not any(d.created for d in deployed)
    assert set(drafts(studio)) == {path}  # no version holds it, so deploying did not drop it


def test_the_library_overview_counts_the_instances_running_on_each_version(studio):
    start_instance(studio, "demo_intake", {"applicant": "ACME Ltd"}, business_key="D-1")
    start_instance(studio, "demo_intake", {"applicant": "Beta Ltd"}, business_key="D-2")
    file_application(studio, "trademark", trademark_filing(), actor="e-filing")
    demo = "demo/demo_intake.bpmn"
    save_file(studio, demo, edit(studio, demo, 'name="Demo intake"', 'name="Demo intake, renamed"'), "analyst")
    deploy_workspace(studio, "analyst")
    start_instance(studio, "demo_intake", {"applicant": "Gamma Ltd"}, business_key="D-3")

    overview = library_overview(studio)
    assert [g.folder for g in overview.groups] == ["trademark", "patent", "design", "common", "demo"]
    processes = {p.process_id: p for g in overview.groups for p in g.processes}
    demo_intake = processes["demo_intake"]
    assert [(v.version, v.running_instances, v.deployed_by) for v in demo_intake.versions] == [(2, 1, "analyst"), (1, 2, "setup")]
    assert demo_intake.name == "Demo intake, renamed" and len(demo_intake.versions[0].content_hash) == 12
    assert [(v.version, v.running_instances) for v in processes["trademark"].versions] == [(1, 1)]
    assert processes["collect_fee"].versions[0].running_instances == 0  # a call activity runs inside its caller
    trademark = processes["trademark"]
    assert (trademark.folder, trademark.file) == ("trademark", TRADEMARK)
    assert trademark.decision_tables == ("common/time_limits.dmn", "trademark/trademark_fees.dmn")
    assert "forms/trademark/formalities.form.json" in trademark.forms and "receipt" in trademark.letters
    assert "receipt" in overview.letters and overview.missing_letters == ()


def test_the_library_overview_makes_the_same_number_of_queries_however_many_versions(studio):
    def queries() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(Engine, "before_cursor_execute", listener)  # reads may use a second engine
        try:
            library_overview(studio)
        finally:
            event.remove(Engine, "before_cursor_execute", listener)
        return len(seen)

    with_one = queries()
    original = open_file(studio, TRADEMARK).content
    for n in range(3):
        save_file(studio, TRADEMARK, original.replace(TASK_NAME, f'id="check" name="Check {n}"'), "analyst")
        deploy_workspace(studio, "analyst")
    assert [v.version for v in library_overview(studio).groups[0].processes[0].versions] == [4, 3, 2, 1]
    assert queries() == with_one
