"""A form changed in the studio and deployed reaches new tasks only: a task opened before keeps the
form of its case's version, so a person never meets fields the process was not built for."""

from __future__ import annotations

from engine.services.task_page import task_page
from engine.services.workspace import deploy_workspace, open_file, save_file
from scenario_support import Office, trademark_filing

FORM = "forms/trademark/filing_date_check.form.json"
OLD, NEW = '"label": "Can the filing date be accorded?"', '"label": "May the filing date be accorded?"'
CHECK = "Check the filing-date requirements"


def _check_task(ipflow):
    office = Office(ipflow).file("trademark", trademark_filing())
    office.pay()
    return next(t for t in office.tasks() if t.name == CHECK)


def _decision_label(ipflow, task_id: str) -> str:
    form = task_page(ipflow, task_id, "clerk").form
    return next(f.label for f in form.value_fields() if f.key == "filing_date_met")


def test_a_form_deployed_from_the_studio_reaches_new_tasks_only(office):
    ipflow = office.ipflow  # the real library, deployed
    before = _check_task(ipflow)

    opened = open_file(ipflow, FORM)
    assert OLD in opened.content
    saved = save_file(ipflow, FORM, opened.content.replace(OLD, NEW), "analyst", opened.sha256)
    assert saved.problems == ()
    deployed = {d.process_id: d for d in deploy_workspace(ipflow, "analyst") if d.created}
    assert deployed["trademark"].version == 2

    after = _check_task(ipflow)
    assert _decision_label(ipflow, before.id) == "Can the filing date be accorded?"
    assert _decision_label(ipflow, after.id) == "May the filing date be accorded?"
