"""`ipflow export` writes the deployed library back to bpmn/ and forms/ byte for byte: deploying
the export reproduces the content hashes, exporting over the library it came from changes nothing,
and files holding changes nobody deployed are only overwritten with --force."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine.db.models import Base, DefinitionVersion
from engine.errors import Conflict
from engine.services.library import deploy_library
from engine.services.library_files import export_library
from engine.services.workspace import deploy_workspace, open_file, save_file
from ipflow_testing import REPO
from library_editing import TASK_NAME, TRADEMARK, copy_library, deployed_office
from webui.cli import main


@pytest.fixture
def studio(settings, clock, operators):
    """A fresh database with the office's real library (bpmn/, forms/) deployed."""
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


@pytest.fixture
def library_copy(tmp_path) -> Path:
    """bpmn/ and forms/ of the repository, copied: the real folders are never written to."""
    return copy_library(tmp_path / "copy")


def hashes(ctx) -> dict[str, str]:
    with ctx.db.reading() as session:
        return {v.process_id: v.content_hash for v in session.query(DefinitionVersion)}


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root: its sha256 and modification time."""
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_deploying_the_export_into_a_fresh_database_reproduces_the_content_hashes(studio, tmp_path):
    deployed = hashes(studio)
    report = export_library(studio, tmp_path / "out")
    assert "forms/trademark/formalities.form.json" in {Path(p).relative_to(tmp_path / "out").as_posix() for p in report.written}
    assert not (tmp_path / "out" / "forms" / "letters").exists()  # letters are not part of a version

    Base.metadata.drop_all(studio.db.engine)
    Base.metadata.create_all(studio.db.engine)
    studio.settings = studio.settings.replace(bpmn_path=tmp_path / "out" / "bpmn", forms_path=tmp_path / "out" / "forms")
    assert all(d.created for d in deploy_library(studio, actor="from the export"))
    assert hashes(studio) == deployed


def test_exporting_over_the_library_it_was_deployed_from_changes_nothing(studio, library_copy):
    before = tree(library_copy)
    report = export_library(studio, library_copy)
    assert report.written == () and len(report.unchanged) == 24
    assert tree(library_copy) == before


def test_drafts_are_not_exported_and_deployed_studio_changes_are(studio, library_copy):
    original = open_file(studio, TRADEMARK).content
    save_file(studio, TRADEMARK, original.replace(TASK_NAME, 'id="check" name="Deployed name"'), "analyst")
    deploy_workspace(studio, "analyst")
    save_file(studio, TRADEMARK, original.replace(TASK_NAME, 'id="check" name="Draft name"'), "analyst")

    # The copy still holds version 1 of the file: a deployed one, so it is overwritten without --force.
    report = export_library(studio, library_copy)
    assert report.written == (str(library_copy / "bpmn" / TRADEMARK),)
    exported = (library_copy / "bpmn" / TRADEMARK).read_text(encoding="utf-8")
    assert 'name="Deployed name"' in exported and "Draft name" not in exported


def test_files_with_changes_never_deployed_are_refused_unless_forced(studio, library_copy):
    save_file(studio, TRADEMARK, open_file(studio, TRADEMARK).content.replace(TASK_NAME, 'id="check" name="New"'), "analyst")
    deploy_workspace(studio, "analyst")
    form = library_copy / "forms" / "demo" / "review.form.json"
    form.write_text(form.read_text(encoding="utf-8").replace("{", "{ ", 1), encoding="utf-8")
    before = tree(library_copy)

    with pytest.raises(Conflict) as refused:
        export_library(studio, library_copy)
    assert str(form) in str(refused.value) and "--force" in str(refused.value)
    assert TRADEMARK not in str(refused.value)  # the copy holds a deployed version of that one
    assert tree(library_copy) == before  # nothing written, not even the files that were safe

    report = export_library(studio, library_copy, force=True)
    assert set(report.written) == {str(form), str(library_copy / "bpmn" / TRADEMARK)}
    assert form.read_bytes() == (REPO / "forms" / "demo" / "review.form.json").read_bytes()


def test_the_export_command_writes_the_configured_folders_and_refuses_local_edits(studio, library_copy, tmp_path):
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config["library"] = {"bpmn": str(library_copy / "bpmn"), "forms": str(library_copy / "forms")}
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {"IPFLOW_CONFIG": str(config_file), "IPFLOW_DATABASE_URL": studio.settings.database_url,
           "IPFLOW_INSTANCE_PATH": str(studio.settings.instance_path)}
    runner = CliRunner()

    unchanged = runner.invoke(main, ["export"], env=env)
    assert unchanged.exit_code == 0, unchanged.output
    assert "0 file(s) written, 24 unchanged" in unchanged.output

    edited = library_copy / "bpmn" / "common" / "time_limits.dmn"
    edited.write_bytes(edited.read_bytes() + b"\n")
    refused = runner.invoke(main, ["export"], env=env)
    assert refused.exit_code == 1 and str(edited) in refused.output
    forced = runner.invoke(main, ["export", "--force"], env=env)
    assert forced.exit_code == 0 and f"written {edited}" in forced.output
    assert edited.read_bytes() == (REPO / "bpmn" / "common" / "time_limits.dmn").read_bytes()

    elsewhere = runner.invoke(main, ["export", "--to", str(tmp_path / "elsewhere")], env=env)
    assert elsewhere.exit_code == 0 and (tmp_path / "elsewhere" / "bpmn" / TRADEMARK).is_file()
