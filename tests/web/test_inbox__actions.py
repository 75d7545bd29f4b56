"""POSTs from the inbox on real filed cases: claim moves a task to "My tasks", return gives it back,
a manager reassigns, saved filters are saved, applied and deleted; every form needs its CSRF token
and sends people back only to pages of this site."""

from __future__ import annotations

import re

import pytest

from scenario_support import trademark_filing

CHECK = "Check the filing-date requirements"


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="flash [^"]*"[^>]*>(.*?)</p>', html, re.S)]


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-task-id="([^"]+)"', html)


def tab_counts(html: str) -> dict[str, int]:
    return {tab: int(n) for tab, n in re.findall(r'data-tab-count="(\w+)">(\d+)<', html)}


@pytest.fixture
def checks(office) -> list[str]:
    """Two trademarks filed and paid: each waits on the clerk's filing-date check."""
    found = []
    for mark in ("ACME SPARKLE", "BLUE HERON"):
        office.file("trademark", trademark_filing(title=mark, verbal_element=mark))
        office.pay()
        found += [t.id for t in office.tasks() if t.name == CHECK]
    assert len(found) == 2
    return found


def post(browser, client, path: str, **form):
    data = {"csrf_token": browser.token("/inbox"), **form}
    return client.post(path, data=data)


def test_claiming_from_my_groups_moves_the_task_to_my_tasks(checks, browser, client):
    browser.login("clerk")
    groups = client.get("/inbox?tab=groups").get_data(as_text=True)
    assert set(row_ids(groups)) == set(checks) and "BLUE HERON" in groups and "ACME Ltd" in groups
    assert tab_counts(groups) == {"mine": 0, "groups": 2}

    response = post(browser, client, "/inbox/claim", task_ids=checks[0], next="/inbox?tab=groups")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox?tab=groups"
    after = client.get("/inbox?tab=groups").get_data(as_text=True)
    assert "Claimed 1 task." in flashes(after)
    assert row_ids(after) == [checks[1]] and tab_counts(after) == {"mine": 1, "groups": 1}
    assert row_ids(client.get("/inbox?tab=mine").get_data(as_text=True)) == [checks[0]]

    post(browser, client, "/inbox/unclaim", task_ids=checks[0])
    back = client.get("/inbox?tab=groups").get_data(as_text=True)
    assert "Returned 1 task to their groups." in flashes(back) and tab_counts(back) == {"mine": 0, "groups": 2}


def test_a_bulk_claim_reports_what_was_done_and_why_the_rest_was_not(checks, browser, client):
    browser.login("manager")
    post(browser, client, "/inbox/claim", task_ids=checks[1])
    client.post("/logout", data={"csrf_token": browser.token("/inbox")})
    browser.login("clerk")
    response = post(browser, client, "/inbox/claim", task_ids=[checks[0], checks[1], "gone"])
    assert response.headers["Location"] == "/inbox"
    messages = flashes(client.get("/inbox").get_data(as_text=True))
    assert messages == [
        "Claimed 1 task.", f"2 tasks could not be claimed: {CHECK}: already claimed by manager; gone: no such task."]
    empty = post(browser, client, "/inbox/claim")
    assert flashes(client.get(empty.headers["Location"]).get_data(as_text=True)) == ["Tick at least one task."]


def test_a_manager_reassigns_and_others_may_not(checks, browser, client):
    browser.login("clerk")
    assert post(browser, client, "/inbox/reassign", task_ids=checks[0], to="clerk").status_code == 403
    client.post("/logout", data={"csrf_token": browser.token("/inbox")})
    browser.login("manager")
    page = client.get("/inbox?tab=all").get_data(as_text=True)
    assert '<option value="clerk">Clara Clerk (clerk)</option>' in page  # people who hold the tasks' roles
    post(browser, client, "/inbox/reassign", task_ids=checks, to="clerk")
    assert flashes(client.get("/inbox").get_data(as_text=True)) == ["Reassigned 2 tasks to clerk."]
    post(browser, client, "/inbox/reassign", task_ids=checks[0], to="examiner")
    assert flashes(client.get("/inbox").get_data(as_text=True)) == [
        f"1 task could not be reassigned: {CHECK}: examiner holds none of the roles it is offered to (clerk)."]


def test_forms_without_their_csrf_token_are_refused(checks, browser, client):
    browser.login("clerk")
    for path in ("/inbox/claim", "/inbox/unclaim", "/inbox/filters", "/inbox/filters/1/delete"):
        assert client.post(path, data={"task_ids": checks[0], "name": "x"}).status_code == 400, path
    assert tab_counts(client.get("/inbox").get_data(as_text=True)) == {"mine": 0, "groups": 2}


def test_next_must_be_a_page_of_this_site(checks, browser, client):
    browser.login("clerk")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = post(browser, client, "/inbox/unclaim", task_ids=checks[0], next=target)
        assert response.headers["Location"] == "/inbox", target


def test_saving_applying_and_deleting_a_filter(checks, browser, client):
    browser.login("clerk")
    response = post(browser, client, "/inbox/filters", name="Trademarks", tab="groups", right_type="trademark",
                    shared_role="clerk", page="3", next="/inbox?tab=groups&right_type=trademark")
    assert response.headers["Location"] == "/inbox?tab=groups&right_type=trademark"
    page = client.get("/inbox").get_data(as_text=True)
    assert "Saved the filter “Trademarks”, shared with clerk." in flashes(page)
    link = re.search(r'<a href="([^"]+)">Trademarks</a>', page).group(1).replace("&amp;", "&")
    assert "tab=groups" in link and "right_type=trademark" in link and "page=" not in link
    assert set(row_ids(client.get(link).get_data(as_text=True))) == set(checks)

    refused = post(browser, client, "/inbox/filters", name="For examiners", shared_role="examiner")
    assert flashes(client.get(refused.headers["Location"]).get_data(as_text=True)) == [
        "The filter was not saved: Share with one of your roles (clerk)."]

    filter_id = re.search(r'action="/inbox/filters/(\d+)/delete"', page).group(1)
    post(browser, client, f"/inbox/filters/{filter_id}/delete")
    after = client.get("/inbox").get_data(as_text=True)
    assert "Deleted the filter “Trademarks”." in flashes(after) and ">Trademarks</a>" not in after
    assert post(browser, client, f"/inbox/filters/{filter_id}/delete").status_code == 404
