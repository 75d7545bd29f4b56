"""The studio over HTTP: the library page, the JSON the editors use (save = validate), deploying
drafts, the version diff and moving running cases between versions, for analysts only."""

from __future__ import annotations

import re

import pytest

from engine.services.instances import show_instance
from scenario_support import trademark_filing

TRADEMARK = "trademark/trademark.bpmn"
NAME = 'id="check" name="Check the filing-date requirements"'
CONDITION = ">decision == 'accept'</bpmn:conditionExpression>"


@pytest.fixture
def analyst(office, browser, client):
    browser.login("analyst")
    return browser.token("/studio")


def _save(client, token, content, sha=None):
    return client.post(f"/studio/files/{TRADEMARK}", json={"content": content, "expected_sha256": sha}, headers={"X-CSRFToken": token})


def test_the_library_page_lists_processes_versions_and_running_cases(analyst, office, client):
    office.file("trademark", trademark_filing())
    page = client.get("/studio").get_data(as_text=True)
    assert "trademark/trademark.bpmn" in page and "trademark/trademark_fees.dmn" in page
    row = re.search(r"<tr><td>1</td>.*?</tr>", page.split("(trademark)")[1], re.S).group(0)
    assert "<td>1</td></tr>" not in row and re.search(r"<td>1</td>\s*<td>", row)  # version 1 with one running case


def test_save_validates_and_deploy_makes_a_version_new_cases_use(analyst, office, client):
    before = office.file("trademark", trademark_filing()).instance_id
    opened = client.get(f"/studio/files/{TRADEMARK}").get_json()
    broken = opened["content"].replace(NAME, 'id="check" name="Check filing date"').replace(CONDITION, ">decision == </bpmn:conditionExpression>")
    saved = _save(client, analyst, broken, opened["sha256"]).get_json()
    assert [p["element_id"] for p in saved["problems"] if p["file"] == TRADEMARK]
    page = client.post("/studio/deploy", data={"csrf_token": analyst}, follow_redirects=True).get_data(as_text=True)
    assert "Nothing was deployed" in page and "disabled" in page
    fixed = _save(client, analyst, broken.replace(">decision == </bpmn:conditionExpression>", CONDITION), saved["sha256"]).get_json()
    assert fixed["problems"] == []
    page = client.post("/studio/deploy", data={"csrf_token": analyst}, follow_redirects=True).get_data(as_text=True)
    assert "Deployed trademark version 2" in page
    after = office.file("trademark", trademark_filing()).instance_id
    assert [show_instance(office.ipflow, i, with_history=False).version for i in (before, after)] == [1, 2]


def test_a_stale_save_is_refused_with_who_saved_meanwhile(analyst, office, client):
    opened = client.get(f"/studio/files/{TRADEMARK}").get_json()
    first = _save(client, analyst, opened["content"].replace(NAME, 'id="check" name="First"'), opened["sha256"])
    assert first.status_code == 200
    stale = _save(client, analyst, opened["content"].replace(NAME, 'id="check" name="Second"'), opened["sha256"])
    assert stale.status_code == 409 and "Ana Analyst saved this file" in stale.get_json()["detail"]


def test_save_refuses_what_is_not_json_or_outside_the_library(analyst, client):
    assert client.post(f"/studio/files/{TRADEMARK}", data="x", headers={"X-CSRFToken": analyst}).status_code == 400
    bad = client.post("/studio/files/../config.yaml", json={"content": "x"}, headers={"X-CSRFToken": analyst})
    assert bad.status_code in (400, 404)
    assert client.post(f"/studio/files/{TRADEMARK}", json={"content": "x"}).status_code == 400  # no CSRF token


def test_the_catalog_offers_operators_with_their_parameters_roles_and_forms(analyst, client):
    catalog = client.get("/studio/catalog.json").get_json()
    send_letter = next(o for o in catalog["operators"] if o["name"] == "send_letter")
    assert send_letter["parameters"][:2] == ["case_id", "template"]
    assert "clerk" in catalog["roles"] and "trademark/filing_date_check" in catalog["forms"] and "trademark" in catalog["processes"]


def test_diff_and_moving_a_case_to_the_new_version_and_back(analyst, office, client):
    office.file("trademark", trademark_filing())
    instance = office.instance_id
    opened = client.get(f"/studio/files/{TRADEMARK}").get_json()
    _save(client, analyst, opened["content"].replace('name="Examine the formalities"', 'name="Examine formalities"'), opened["sha256"])
    client.post("/studio/deploy", data={"csrf_token": analyst})
    diff = client.get("/studio/processes/trademark/diff?from=1&to=2").get_data(as_text=True)
    assert "Examine formalities" in diff and "<code>formalities</code>" in diff
    plan = client.get("/studio/processes/trademark/migrate?from=1&to=2").get_data(as_text=True)
    assert f'name="instance_ids" value="{instance}"' in plan
    moved = client.post("/studio/processes/trademark/migrate?from=1&to=2", data={"csrf_token": analyst, "instance_ids": str(instance)},
                        follow_redirects=True).get_data(as_text=True)
    assert "Moved 1 case(s) from version 1 to 2" in moved
    reverse = re.search(r'action="(/studio/migrations/\d+/reverse)"', moved).group(1)
    back = client.post(reverse, data={"csrf_token": analyst, "next": "/studio"}, follow_redirects=True).get_data(as_text=True)
    assert "is back on version 1" in back


@pytest.mark.parametrize("who", ["clerk", "manager", "examiner"])
def test_case_workers_do_not_reach_the_studio(office, browser, client, who):
    browser.login(who)
    assert client.get("/studio").status_code == 403
    assert client.get(f"/studio/files/{TRADEMARK}").status_code == 403
