"""The routes behind the studio's diff and migration pages: a version's BPMN file for the diagrams,
the diff page naming what each diagram colours, and moving a batch of cases as JSON (what the
page's script sends), with bad input answered 400 in words and never 500."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from scenario_support import trademark_in_opposition
from studio_versions import ADDED, RELABELLED, deploy_trademark_version_2

BATCH = "/studio/processes/trademark/migrate.json"


@pytest.fixture
def analyst(office, browser):
    browser.login("analyst")
    return browser.token("/studio")


@pytest.fixture
def version_2(office, tmp_path):
    return deploy_trademark_version_2(office.ipflow, tmp_path / "library")


def _move(client, token, body, **headers):
    return client.post(BATCH, json=body, headers={"X-CSRFToken": token, **headers})


def test_a_version_file_is_its_deployed_bpmn_and_an_unknown_version_is_named(analyst, version_2, client):
    old, new = (
        client.get("/studio/processes/trademark/versions/1.bpmn"),
        client.get("/studio/processes/trademark/versions/2.bpmn"),
    )
    assert old.status_code == new.status_code == 200 and old.mimetype == "application/xml"
    names = [{t.get("id"): t.get("name") for t in etree.fromstring(r.data).iter()} for r in (old, new)]
    assert names[0]["examination"] == "Examine absolute grounds" and ADDED not in names[0]
    assert names[1]["examination"] == RELABELLED and ADDED in names[1]

    missing = client.get(
        "/studio/processes/trademark/versions/7.bpmn", headers={"Accept": "application/xml, application/json;q=0.9"}
    )
    assert missing.status_code == 404
    assert "process 'trademark' has no version 7 (deployed versions: 1, 2)" in missing.get_json()["detail"]
    assert "never deployed" in client.get("/studio/processes/nothing/versions/1.bpmn").get_data(as_text=True)


def test_the_diff_page_says_what_each_diagram_colours_and_keeps_called_processes_in_the_lists(analyst, version_2, client):
    page = client.get("/studio/processes/trademark/diff?from=1&to=2").get_data(as_text=True)
    old = re.search(r'<div class="studio-diff-diagram" data-side="old".*?>', page, re.S).group(0)
    new = re.search(r'<div class="studio-diff-diagram" data-side="new".*?>', page, re.S).group(0)
    assert 'data-xml-url="/studio/processes/trademark/versions/1.bpmn"' in old and 'data-removed=""' in old
    assert set(re.search(r'data-changed="([^"]*)"', old).group(1).split()) >= {"examination", "register_mark"}
    assert 'data-xml-url="/studio/processes/trademark/versions/2.bpmn"' in new and f'data-added="{ADDED}"' in new
    assert 'class="studio-diff-row" data-element-id="examination" data-sides="old new"' in page
    assert f'class="studio-diff-row" data-element-id="{ADDED}" data-sides="new"' in page
    assert 'src="/static/build/studio-diff.js"' in page


def test_the_diff_page_leaves_elements_of_called_processes_off_the_diagrams(analyst, office, tmp_path, client):
    from library_editing import copy_library, edit, office_root, redeploy

    library = copy_library(tmp_path / "library")
    ctx = office_root(office.ipflow, library, office.ipflow.operators)
    edit(library / "bpmn" / "common" / "collect_fee.bpmn", 'name="Await payment"', 'name="Wait for the payment"')
    assert redeploy(ctx, "trademark") == 2
    page = client.get("/studio/processes/trademark/diff?from=1&to=2").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*<code>fee_wait</code>.*?</tr>", page, re.S).group(0)
    assert "studio-diff-row" not in row and "not on the diagrams below" in row
    assert 'data-changed=""' in page  # nothing of the trademark diagram itself changed


def test_a_batch_moves_the_cases_it_names_and_refuses_the_others_with_reasons(analyst, office, tmp_path, client):
    waiting = trademark_in_opposition(office.ipflow).instance_id
    deploy_trademark_version_2(office.ipflow, tmp_path / "library")
    answer = _move(client, analyst, {"from": 1, "to": 2, "instance_ids": [waiting, 999]})
    assert answer.status_code == 200
    body = answer.get_json()
    assert [(m["instance_id"], m["business_key"]) for m in body["moved"]] == [(waiting, _key(office, waiting))]
    assert body["refused"] == [{"instance_id": 999, "business_key": None, "reason": "instance 999 does not exist"}]
    again = _move(client, analyst, {"from": 1, "to": 2, "instance_ids": [waiting]}).get_json()
    assert again["moved"] == [] and "is on version 2, not version 1" in again["refused"][0]["reason"]


def _key(office, instance_id: int) -> str | None:
    from engine.services.instances import show_instance

    return show_instance(office.ipflow, instance_id, with_history=False).business_key


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "1", "to": 2, "instance_ids": [1]}, "from"),
        ({"from": 1, "to": True, "instance_ids": [1]}, "to"),
        ({"from": 1, "to": 0, "instance_ids": [1]}, "to"),
        ({"from": 1, "to": 2, "instance_ids": []}, "instance_ids"),
        ({"from": 1, "to": 2, "instance_ids": "1,2"}, "instance_ids"),
        ({"from": 1, "to": 2, "instance_ids": [1, "x"]}, "instance_ids"),
        ({"from": 1, "to": 2, "instance_ids": [2**40]}, "instance_ids"),
        ({"from": 1, "to": 2, "instance_ids": list(range(1, 102))}, "instance_ids"),
        ({"to": 2, "instance_ids": [1]}, "from"),
    ],
)
def test_a_bad_batch_is_answered_400_with_what_to_send(analyst, client, body, field):
    answer = _move(client, analyst, body)
    assert answer.status_code == 400
    problem = answer.get_json()
    assert problem["title"] == "Not moved" and list(problem["errors"]) == [field] and 'Send JSON: {"from": 1' in problem["detail"]


def test_a_batch_that_is_not_json_or_names_no_version_there_is_answered_in_words(analyst, client):
    not_json = client.post(BATCH, data="from=1", headers={"X-CSRFToken": analyst, "Content-Type": "text/plain"})
    assert not_json.status_code == 400 and "not a JSON object" in not_json.get_json()["detail"]
    assert _move(client, analyst, [1, 2]).status_code == 400
    same = _move(client, analyst, {"from": 1, "to": 1, "instance_ids": [1]})
    assert same.status_code == 400 and "both versions are the same" in same.get_json()["detail"]
    unknown = _move(client, analyst, {"from": 1, "to": 5, "instance_ids": [1]})
    assert unknown.status_code == 404 and "has no version 5 (deployed versions: 1)" in unknown.get_json()["detail"]
    assert client.post(BATCH, json={"from": 1, "to": 2, "instance_ids": [1]}).status_code == 400  # no CSRF token


@pytest.mark.parametrize("who", ["clerk", "manager"])
def test_case_workers_neither_read_version_files_nor_move_cases(office, browser, client, who):
    browser.login(who)
    token = browser.token("/inbox")
    assert client.get("/studio/processes/trademark/versions/1.bpmn").status_code == 403
    assert _move(client, token, {"from": 1, "to": 2, "instance_ids": [1]}).status_code == 403
