"""The monitor's pages and operations over HTTP: the filtered list, the heatmap's counts, an
instance page, suspend and data edit from forms with reasons, the bulk JSON route with its
refusals; clerks get 403 and a POST without its CSRF token is refused."""

from __future__ import annotations

import re

import pytest

from engine.services.instances import show_instance
from scenario_support import trademark_filing


@pytest.fixture
def paid(office):
    office.file("trademark", trademark_filing())
    office.pay()
    return office


def csrf(browser, path: str) -> str:
    return browser.token(path)


def test_the_list_filters_and_the_heatmap_counts(client, browser, paid):
    browser.login("manager")
    page = client.get("/monitor?process=trademark&activity=check").get_data(as_text=True)
    assert f'data-instance-id="{paid.instance_id}"' in page and paid.number in page
    assert "1 instance(s)" in page
    assert 'data-instance-id="' not in client.get("/monitor?process=trademark&activity=examination").get_data(as_text=True)
    bad = client.get("/monitor?started_from=yesterday")
    assert bad.status_code == 400 and "Give a date as YYYY-MM-DD" in bad.get_data(as_text=True)

    data = client.get("/monitor/heatmap.json?process=trademark").get_json()
    assert (data["process_id"], data["version"], data["counts"]) == ("trademark", 1, {"check": 1})
    assert client.get("/monitor/heatmap.json?process=trademark&version=9").status_code == 404
    assert "Check the filing-date requirements" in client.get("/monitor/heatmap?process=trademark").get_data(as_text=True)


def test_a_clerk_is_refused_and_an_admin_only_reads(client, browser, paid):
    browser.login("clerk")
    assert client.get("/monitor").status_code == 403
    assert client.get(f"/monitor/instances/{paid.instance_id}").status_code == 403
    browser.logout()
    browser.login("admin")
    page = client.get(f"/monitor/instances/{paid.instance_id}").get_data(as_text=True)
    assert "Path so far" in page and "suspend-form" not in page
    token = csrf(browser, "/monitor")
    refused = client.post(f"/monitor/instances/{paid.instance_id}/suspend", data={"csrf_token": token, "reason": "x"})
    assert refused.status_code == 403


def test_suspend_edit_data_and_resume_from_the_instance_page(client, browser, ipflow, paid):
    browser.login("manager")
    base = f"/monitor/instances/{paid.instance_id}"
    token = csrf(browser, base)
    assert client.post(f"{base}/suspend", data={"reason": "court order"}).status_code == 400  # no CSRF token
    no_reason = client.post(f"{base}/suspend", data={"csrf_token": token, "reason": " "}, follow_redirects=True)
    assert "Not done: Say why, in 1 to 500 characters" in no_reason.get_data(as_text=True)
    done = client.post(f"{base}/suspend", data={"csrf_token": token, "reason": "court order"}, follow_redirects=True)
    assert "The instance was suspended." in done.get_data(as_text=True) and 'id="data-form"' in done.get_data(as_text=True)

    bad = client.post(f"{base}/data", data={"csrf_token": token, "reason": "fix", "data": "{oops"})
    assert bad.status_code == 400
    assert "Line 1, column 2: Expecting property name enclosed in double quotes." in bad.get_data(as_text=True)
    assert "{oops" in bad.get_data(as_text=True)  # what was typed stays in the box

    text = re.search(r'<textarea id="data-text"[^>]*>(.*?)</textarea>', done.get_data(as_text=True), re.S).group(1)
    edited = text.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")
    edited = edited.replace('"right_type": "trademark"', '"right_type": "trademark", "note": "checked"')
    saved = client.post(f"{base}/data", data={"csrf_token": token, "reason": "note", "data": edited}, follow_redirects=True)
    assert "The process data was saved." in saved.get_data(as_text=True)
    assert show_instance(ipflow, paid.instance_id).data["note"] == "checked"

    resumed = client.post(f"{base}/resume", data={"csrf_token": token, "reason": "order lifted"}, follow_redirects=True)
    assert "The instance was resumed." in resumed.get_data(as_text=True)


def test_a_move_dry_run_page_and_the_move(client, browser, paid):
    browser.login("manager")
    base = f"/monitor/instances/{paid.instance_id}"
    plan = client.get(f"{base}/move?to=examination").get_data(as_text=True)
    assert "Dry run: nothing has changed yet." in plan
    assert "the open task &#39;Check the filing-date requirements&#39; (check, not claimed)" in plan
    refused = client.get(f"{base}/move?to=check_gw", follow_redirects=True).get_data(as_text=True)
    assert "The token cannot move:" in refused and "is a gateway" in refused
    token = csrf(browser, base)
    moved = client.post(
        f"{base}/move", data={"csrf_token": token, "to": "examination", "reason": "checked on paper"}, follow_redirects=True
    )
    assert "The token was moved to examination." in moved.get_data(as_text=True)
    assert paid.current() == ("examination",)


def test_the_bulk_route_reports_each_instance(client, browser, ipflow, paid):
    browser.login("manager")
    token = csrf(browser, "/monitor")
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    body = {"operation": "suspend", "reason": "audit", "instance_ids": [paid.instance_id, 424242]}
    assert client.post("/monitor/bulk.json", json=body, headers={"Accept": "application/json"}).status_code == 400  # no token
    answer = client.post("/monitor/bulk.json", json=body, headers=headers)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "done": [{"instance_id": paid.instance_id, "business_key": paid.number}],
        "refused": [{"instance_id": 424242, "business_key": None, "reason": "process instance 424242 does not exist"}],
    }
    wrong = client.post("/monitor/bulk.json", json={**body, "reason": ""}, headers=headers)
    assert wrong.status_code == 400 and wrong.get_json()["errors"] == {
        "reason": ["Say why, in 1 to 500 characters; the history keeps it."]
    }
    assert client.post("/monitor/bulk.json", data="nope", headers=headers).status_code == 400
