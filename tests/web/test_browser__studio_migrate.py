"""Moving running cases from the studio's plan page in a real browser: the page sends the ticked
cases in batches, shows the progress to the end with a live log of the refused ones and their
reasons, can stop after the batch under way, and stops on a server error saying how far it got
(what moved stays moved). The cases are real trademark cases on the real process."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from browser_support import screenshot, sign_in
from engine.db.models import DefinitionVersion, ProcessInstance
from scenario_support import Office, trademark_at_examination, trademark_filing, trademark_in_opposition
from studio_versions import deploy_trademark_version_2

pytestmark = pytest.mark.browser

PLAN = "/studio/processes/trademark/migrate?from=1&to=2"
PROGRESS = "#migrate-progress"
MOVE = "#migrate-form button[type=submit]"
EXAMINATION_STARTED = "the task 'Examine absolute grounds' (examination) has started and was changed in version 2"


def versions(ipflow, instance_ids) -> list[int]:
    with ipflow.db.reading() as session:
        rows = session.execute(
            select(ProcessInstance.id, DefinitionVersion.version)
            .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.definition_version_id)
            .where(ProcessInstance.id.in_(instance_ids))
        )
        found = {instance_id: version for instance_id, version in rows}
    return [found[i] for i in instance_ids]


def at_classification(ipflow) -> Office:
    """A trademark case whose classification is still to be checked: its examination has not started."""
    office = Office(ipflow).file("trademark", trademark_filing(goods_services=[{"nice_class": 3, "terms": "Soaps"}]))
    office.pay()
    office.complete("Check the filing-date requirements", filing_date_met="yes")
    office.complete("Examine the formalities")
    return office


def test_the_ticked_cases_move_in_batches_to_the_end_and_the_refused_one_is_logged(office, tmp_path, page, browser_errors):
    ipflow = office.ipflow
    waiting = [trademark_in_opposition(ipflow).instance_id for _ in range(12)]
    examining = trademark_at_examination(ipflow)
    classifying = at_classification(ipflow)
    deploy_trademark_version_2(ipflow, tmp_path / "library")
    sign_in(page, "analyst")
    page.goto(PLAN)
    ticked = page.locator("#migrate-form input[name=instance_ids]:checked")
    assert sorted(int(v) for v in ticked.evaluate_all("boxes => boxes.map(b => b.value)")) == [*waiting, classifying.instance_id]
    assert EXAMINATION_STARTED in page.inner_text("section:has(h2:text('Cannot move'))")  # the dry run refused it already
    assert examining.instance_id not in waiting

    # Between the dry run and the move, the classification is checked: the examination starts.
    classifying.complete("Check the Nice classification", class_count_checked=1)
    with page.expect_response("**/migrate.json"):
        page.click(MOVE)
    assert page.is_disabled(MOVE)  # no second run while this one goes on
    page.wait_for_selector(f'{PROGRESS}[data-state="done"]')

    assert page.inner_text("#migrate-status") == "Done: 12 of 13 moved, 1 refused."
    assert page.get_attribute("#migrate-bar", "max") == "13" and page.eval_on_selector("#migrate-bar", "bar => bar.value") == 13
    log = page.locator("#migrate-log li")
    assert log.count() == 1 and log.first.inner_text().startswith(f"{classifying.number}: {EXAMINATION_STARTED}")
    assert page.get_attribute(f'li[data-instance-id="{classifying.instance_id}"]', "data-outcome") == "refused"
    assert page.get_attribute(f'li[data-instance-id="{waiting[0]}"]', "data-outcome") == "moved"
    assert versions(ipflow, waiting) == [2] * 12
    assert versions(ipflow, [classifying.instance_id, examining.instance_id]) == [1, 1]
    screenshot(page, "studio__migrate-progress")

    page.click("#migrate-end a")  # the plan again: what moved is listed, the refused one is now refused in the dry run
    assert page.locator("#migrate-form input[name=instance_ids]").count() == 0
    assert page.locator("section:has(h2:text('Moved into version 2')) tbody tr").count() == 12
    assert browser_errors == []


def test_a_run_stops_after_the_batch_under_way_when_asked(office, tmp_path, page, browser_errors):
    ipflow = office.ipflow
    waiting = [trademark_in_opposition(ipflow).instance_id for _ in range(12)]
    deploy_trademark_version_2(ipflow, tmp_path / "library")
    sign_in(page, "analyst")
    page.goto(PLAN)

    def stop_while_the_first_batch_is_sent(route):
        page.click("#migrate-stop")
        route.continue_()

    page.route("**/migrate.json", stop_while_the_first_batch_is_sent)
    page.click(MOVE)
    page.wait_for_selector(f'{PROGRESS}[data-state="stopped"]')

    assert (
        page.inner_text("#migrate-status")
        == "Stopped after 10 of 12 cases: 10 of 12 moved, 0 refused. The others were not touched."
    )
    assert versions(ipflow, waiting) == [2] * 10 + [1] * 2
    assert page.is_visible("#migrate-end a") and not page.is_visible("#migrate-stop")
    assert browser_errors == []


def test_a_server_error_stops_the_run_and_says_how_far_it_got(office, tmp_path, page, browser_errors):
    ipflow = office.ipflow
    waiting = [trademark_in_opposition(ipflow).instance_id for _ in range(12)]
    deploy_trademark_version_2(ipflow, tmp_path / "library")
    sign_in(page, "analyst")
    page.goto(PLAN)
    batches = []

    def fail_the_second_batch(route):
        batches.append(route.request.post_data_json["instance_ids"])
        if len(batches) == 1:
            route.continue_()
        else:
            route.fulfill(
                status=500, json={"status": 500, "title": "Internal error", "detail": "Something went wrong on our side."}
            )

    page.route("**/migrate.json", fail_the_second_batch)
    page.click(MOVE)
    page.wait_for_selector(f'{PROGRESS}[data-state="failed"]')

    assert batches == [waiting[:10], waiting[10:]]
    assert page.inner_text("#migrate-status") == (
        "Stopped: the server answered 500: Something went wrong on our side. Before that 10 of 12 cases were handled "
        "(10 of 12 moved, 0 refused); what moved stays moved. Show the plan again to see where the others stand."
    )
    assert versions(ipflow, waiting) == [2] * 10 + [1] * 2
    assert [e for e in browser_errors if "status of 500" not in e] == []  # Chromium reports the failed request itself
