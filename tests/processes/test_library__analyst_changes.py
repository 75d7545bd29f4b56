"""An office manager changes a period and a fee in the decision tables, redeploys, and new cases
follow the new rules while running ones keep theirs; no Python changes."""

from __future__ import annotations

import shutil
from datetime import date

from engine.services.library import deploy_library
from ipflow_testing import REPO
from scenario_support import Office, trademark_filing


def examined_and_published(office: Office) -> None:
    office.pay()
    office.complete("Check the filing-date requirements", filing_date_met="yes")
    office.complete("Examine the formalities")
    office.complete("Check the Nice classification", class_count_checked=4)
    office.complete("Examine absolute grounds", decision="accept")


def test_changing_the_opposition_period_and_a_class_fee_in_dmn_changes_new_cases_only(ipflow, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(REPO / "bpmn", library / "bpmn")
    shutil.copytree(REPO / "forms", library / "forms")
    ipflow.settings = ipflow.settings.replace(bpmn_path=library / "bpmn", forms_path=library / "forms")
    deploy_library(ipflow, actor="analyst")

    before = Office(ipflow).file("trademark", trademark_filing())
    examined_and_published(before)
    assert before.sheets()[0][1] == "550.00"
    assert before.deadline("opposition").due_date == date(2026, 6, 2)

    limits = library / "bpmn" / "common" / "time_limits.dmn"
    text = limits.read_text()
    old_row = '<text>"opposition"</text></outputEntry>\n        <outputEntry id="time_limits_rule3_out1"><text>"P3M"</text>'
    assert old_row in text
    limits.write_text(text.replace(old_row, old_row.replace('"P3M"', '"P2M"')))
    fees = library / "bpmn" / "trademark" / "trademark_fees.dmn"
    fees.write_text(fees.read_text().replace("30 * (case['class_count'] - 3)</text></outputEntry>\n      </rule>\n      <rule id=\"trademark_fees_rule2\">",
                                             "40 * (case['class_count'] - 3)</text></outputEntry>\n      </rule>\n      <rule id=\"trademark_fees_rule2\">"))
    redeployed = {d.process_id: d for d in deploy_library(ipflow, actor="analyst")}
    assert redeployed["trademark"].created and redeployed["trademark"].version == 2

    after = Office(ipflow).file("trademark", trademark_filing(title="OTHER MARK", verbal_element="OTHER MARK"))
    examined_and_published(after)
    assert after.sheets()[0][1] == "560.00"  # 520 + 40 for the fourth class
    assert after.deadline("opposition").due_date == date(2026, 5, 4)  # 2 May is a Saturday

    before.move_to(date(2026, 5, 5))
    assert after.status() == "registered"  # the new two-month period has run out
    assert before.status() == "published"  # the running case keeps its three months
