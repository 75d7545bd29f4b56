"""Letters in the studio's workspace: a draft is checked on save (syntax with its line, the subject,
names unknown to a sample case), deploying makes a letter version in the same transaction as the
processes, the next letter a process sends uses it (in another process too, as a worker would),
and `ipflow export` writes it back to forms/letters/ byte for byte."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import Job, JobKind, LetterVersion
from engine.db.session import Database
from engine.errors import Conflict, InvalidInput
from engine.services.library_files import export_library
from engine.services.library_view import library_overview
from engine.services.workspace import deploy_workspace, open_file, save_file, workspace_files
from ipflow_testing import REPO
from library_editing import TASK_NAME, TRADEMARK, copy_library, deployed_office
from scenario_support import Office, trademark_filing

RECEIPT = "letters/receipt.html.j2"
SUBJECT = "{% block subject %}Filing receipt – application No. {{ case.application_number }}{% endblock %}"
EDITED = "{% block subject %}Your filing receipt (edited in the studio) – No. {{ case.application_number }}{% endblock %}"


@pytest.fixture
def studio(settings, clock, operators):
    """A fresh database with the office's real library (bpmn/, forms/) deployed."""
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


def edited_receipt(ctx) -> str:
    content = open_file(ctx, RECEIPT).content
    assert content.count(SUBJECT) == 1
    return content.replace(SUBJECT, EDITED)


def receipt_mails(ctx, case_number: str) -> list[str]:
    with ctx.db.reading() as session:
        jobs = session.scalars(select(Job).where(Job.kind == JobKind.MAIL).order_by(Job.id))
        return [j.payload["subject"] for j in jobs if case_number in j.payload["subject"] and "receipt" in j.payload["subject"]]


def letter_versions(ctx) -> list[tuple[str, int, str]]:
    with ctx.db.reading() as session:
        return [(v.name, v.version, v.deployed_by) for v in session.scalars(select(LetterVersion).order_by(LetterVersion.id))]


def test_letters_are_in_the_workspace_as_the_release_ships_them(studio):
    files = {f.path: f for f in workspace_files(studio)}
    assert {RECEIPT, "letters/_layout.html.j2", "letters/refusal.html.j2"} <= set(files)
    assert (files[RECEIPT].kind, files[RECEIPT].drafted, files[RECEIPT].saved_by) == ("letter", False, "the release")
    opened = open_file(studio, RECEIPT)
    on_disk = (REPO / "forms" / "letters" / "receipt.html.j2").read_bytes()
    assert opened.content.encode() == on_disk and opened.sha256 == hashlib.sha256(on_disk).hexdigest()


def test_a_draft_with_a_syntax_error_lists_its_line_and_blocks_deploy(studio):
    content = open_file(studio, RECEIPT).content
    lines = content.splitlines(keepends=True)
    lines[5] = "<p>{{ case.title }</p>\n"
    saved = save_file(studio, RECEIPT, "".join(lines), "analyst", expected_sha256=open_file(studio, RECEIPT).sha256)

    [problem] = saved.problems
    assert (problem.file, problem.element_id) == (RECEIPT, "receipt")
    assert problem.line == 6 and "unexpected '}'" in problem.message
    assert open_file(studio, RECEIPT).problems == saved.problems
    with pytest.raises(Conflict, match=r"letters/receipt.html.j2:\d+: receipt: "):
        deploy_workspace(studio, "analyst")
    assert letter_versions(studio) == []


def test_a_misspelt_name_and_a_missing_subject_are_found_on_save(studio):
    misspelt = open_file(studio, RECEIPT).content.replace("{{ applicant.name }}, {{ applicant.country }}", "{{ applicant.nme }}")
    saved = save_file(studio, RECEIPT, misspelt, "analyst")
    [problem] = saved.problems
    assert problem.file == RECEIPT and problem.line == 1 + misspelt[: misspelt.index("applicant.nme")].count("\n")
    assert "nme" in problem.message and "sample trademark case" in problem.message

    saved = save_file(
        studio,
        "letters/reminder_note.html.j2",
        '{% extends "_layout.html.j2" %}\n<p>no subject</p>\n',
        "analyst",
        expected_sha256="",
    )
    assert {(p.file, p.message) for p in saved.problems} >= {
        ("letters/reminder_note.html.j2", "the letter has no {% block subject %}")
    }


@pytest.mark.parametrize(
    "path", ["letters/Refusal.html.j2", "letters/a-b.html.j2", "letters/x/y.html.j2", "letters/refusal.html"]
)
def test_letter_paths_outside_the_naming_rule_are_refused(studio, path):
    with pytest.raises(InvalidInput) as refused:
        save_file(studio, path, "{% block subject %}S{% endblock %}", "analyst")
    assert "letters/<name>.html.j2" in refused.value.fields["path"][0]


def test_deploy_makes_letter_version_1_and_the_next_letter_a_case_gets_uses_it(studio):
    saved = save_file(studio, RECEIPT, edited_receipt(studio), "analyst")
    assert saved.problems == () and saved.drafted

    deployed = [d for d in deploy_workspace(studio, "analyst") if d.created]
    assert [(d.process_id, d.version) for d in deployed] == [("letter receipt", 1)]
    assert letter_versions(studio) == [("receipt", 1, "analyst")]
    receipt = open_file(studio, RECEIPT)
    assert not receipt.drafted and receipt.saved_by == "analyst" and "edited in the studio" in receipt.content
    entry = next(e for e in library_overview(studio).letter_files if e.name == "receipt")
    assert (entry.version, entry.drafted) == (1, False)

    office = Office(studio).file("trademark", trademark_filing())
    office.run_due()
    assert office.letters() == ["receipt"]
    assert receipt_mails(studio, office.number) == [f"Your filing receipt (edited in the studio) – No. {office.number}"]


def test_a_second_ipflow_on_the_same_database_uses_the_deployment_without_a_restart(studio, settings, clock, operators):
    worker = Ipflow.create(studio.settings, clock=clock, operators=operators, database=Database(studio.db.url))
    try:
        first = Office(worker).file("trademark", trademark_filing())  # the worker renders (and caches) the release's receipt
        assert receipt_mails(worker, first.number) == [f"Filing receipt – application No. {first.number}"]

        save_file(studio, RECEIPT, edited_receipt(studio), "analyst")
        deploy_workspace(studio, "analyst")  # by the web process
        second = Office(worker).file("trademark", trademark_filing())
        assert receipt_mails(worker, second.number) == [f"Your filing receipt (edited in the studio) – No. {second.number}"]
    finally:
        worker.db.dispose()


def test_letters_deploy_with_the_processes_in_one_transaction(studio):
    save_file(studio, RECEIPT, edited_receipt(studio), "analyst")
    renamed = open_file(studio, TRADEMARK).content.replace(TASK_NAME, 'id="check" name="Check the filing date"')
    save_file(studio, TRADEMARK, renamed, "analyst")
    deployed = {d.process_id: d.version for d in deploy_workspace(studio, "analyst") if d.created}
    assert deployed == {"trademark": 2, "letter receipt": 1}
    assert not any(f.drafted for f in workspace_files(studio))


def test_a_second_deployment_is_version_2_and_unchanged_text_makes_none(studio):
    first = edited_receipt(studio)
    save_file(studio, RECEIPT, first, "analyst")
    deploy_workspace(studio, "analyst")
    save_file(studio, RECEIPT, first.replace("(edited in the studio)", "(edited twice)"), "admin")
    assert [(d.process_id, d.version) for d in deploy_workspace(studio, "admin") if d.created] == [("letter receipt", 2)]
    assert [d for d in deploy_workspace(studio, "admin") if d.created] == []
    with studio.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(LetterVersion)) == 2


def test_a_new_letter_can_be_created_and_deployed(studio):
    text = '{% extends "_layout.html.j2" %}\n{% block subject %}A note on No. {{ case.application_number }}{% endblock %}\n'
    saved = save_file(studio, "letters/note.html.j2", text, "analyst", expected_sha256="")
    assert saved.problems == ()
    assert [(d.process_id, d.version) for d in deploy_workspace(studio, "analyst") if d.created] == [("letter note", 1)]
    assert "note" in studio.letters.names() and "note" in library_overview(studio).letters


def test_export_writes_the_deployed_letter_back_byte_for_byte(studio, tmp_path):
    library = copy_library(tmp_path / "library")
    ctx = Ipflow.create(
        studio.settings.replace(bpmn_path=library / "bpmn", forms_path=library / "forms"),
        clock=studio.clock,
        operators=studio.operators,
        database=studio.db,
    )
    text = edited_receipt(ctx).replace("\n", "\r\n", 1) + "é\n"  # bytes as the analyst typed them
    save_file(ctx, RECEIPT, text, "analyst")
    deploy_workspace(ctx, "analyst")

    report = export_library(ctx)  # over the release's file, which the deployed version replaced: no conflict
    target = library / "forms" / "letters" / "receipt.html.j2"
    assert str(target.resolve()) in report.written
    assert target.read_bytes() == text.encode("utf-8")
    assert (library / "forms" / "letters" / "refusal.html.j2").read_bytes() == (
        REPO / "forms/letters/refusal.html.j2"
    ).read_bytes()
    assert str(target.resolve()) in export_library(ctx).unchanged


def test_export_refuses_a_letter_holding_edits_nobody_deployed(studio, tmp_path):
    library = copy_library(tmp_path / "library")
    ctx = Ipflow.create(
        studio.settings.replace(bpmn_path=library / "bpmn", forms_path=library / "forms"),
        clock=studio.clock,
        operators=studio.operators,
        database=studio.db,
    )
    save_file(ctx, RECEIPT, edited_receipt(ctx), "analyst")
    deploy_workspace(ctx, "analyst")
    target = library / "forms" / "letters" / "receipt.html.j2"
    target.write_text("edited by hand\n")
    with pytest.raises(Conflict, match="receipt.html.j2"):
        export_library(ctx)
    assert target.read_text() == "edited by hand\n"
