"""Our lint on top of the XSD: one small BPMN/DMN file per rule under data/lint/.

Each finding is checked as `file:line: element-id:` plus a phrase of its message, so a change that
moves a finding to the wrong line or element fails here.
"""

from __future__ import annotations

import pathlib

import pytest

from engine.errors import Problem
from engine.runtime import lint as lint_module
from engine.runtime.lint import dmn_test_expression, lint_library
from engine.runtime.lint_rules import timer_problem
from engine.runtime.operators import OperatorRegistry
from engine.runtime.parsing import SourceFile, parse_sources

DATA = pathlib.Path(__file__).parent / "data" / "lint"
ROLES = {"clerk", "examiner"}
FORM_KEYS = {"demo/review"}


def registry() -> OperatorRegistry:
    operators = OperatorRegistry()

    @operators.operator("demo_operator")
    def demo_operator(ctx, **params):
        return {}

    return operators


def lint(*names: str) -> list[Problem]:
    parsed = parse_sources([SourceFile(name, (DATA / name).read_bytes()) for name in names])
    schema = [p for p in parsed.problems if "BPMN schema" in p.message]
    assert schema == [], "test data must be valid BPMN 2.0"
    return lint_library(parsed, form_keys=FORM_KEYS, operators=registry(), roles=ROLES)


def assert_findings(name: str, expected: list[tuple[str, str]]) -> None:
    """`expected` is [(file:line: element-id:, phrase of the message)] in file order."""
    found = lint(name)
    assert [f"{p.file}:{p.line}: {p.element_id}:" for p in found] == [where for where, _ in expected], found
    for problem, (_, phrase) in zip(found, expected, strict=True):
        assert phrase in problem.message, problem


def test_clean_library_has_no_findings_and_parses():
    parsed = parse_sources([SourceFile(n, (DATA / n).read_bytes()) for n in ("clean.bpmn", "clean.dmn")])

    assert parsed.problems == []
    assert sorted(parsed.processes) == ["clean"]
    assert lint_library(parsed, form_keys=FORM_KEYS, operators=registry(), roles=ROLES) == []


def test_scripts_compile_in_the_sandbox_and_findings_point_at_the_script_line():
    assert_findings(
        "scripts.bpmn",
        [
            ("scripts.bpmn:12: compute_fee:", "script line 3: imports are not allowed"),
            ("scripts.bpmn:18: check_payment:", "pre-script line 2: syntax error"),
            ("scripts.bpmn:20: check_payment:", 'post-script line 1: "__class__" is an invalid attribute name'),
        ],
    )


def test_conditions_compile_as_expressions():
    assert_findings(
        "conditions.bpmn",
        [
            ("conditions.bpmn:19: flow_unpaid:", "condition '${!fee_paid}' does not compile: syntax error"),
            ("conditions.bpmn:22: flow_empty:", "the condition is empty"),
            ("conditions.bpmn:30: wait_for_paper:", "condition 'paper_filed and' does not compile"),
        ],
    )


def test_condition_in_another_engines_language_names_it():
    found = {p.element_id: p.message for p in lint("conditions.bpmn")}

    assert "${...} is JUEL" in found["flow_unpaid"]
    assert "JUEL" not in found["wait_for_paper"]


def test_timers_need_a_quoted_valid_iso_value():
    assert_findings(
        "timers.bpmn",
        [
            ("timers.bpmn:11: unquoted_duration:", "the timeDuration P3M must be quoted: write 'P3M'"),
            ("timers.bpmn:18: bad_duration:", "is not an ISO 8601 duration"),
            ("timers.bpmn:39: bad_date:", "is not an ISO 8601 date"),
            ("timers.bpmn:60: bad_cycle:", "is not an ISO 8601 cycle"),
            ("timers.bpmn:74: unquoted_cycle:", "the timeCycle R6/P1D must be quoted"),
            ("timers.bpmn:81: broken_quote:", "does not compile: syntax error: unterminated string literal"),
            ("timers.bpmn:87: no_time:", "the timer has no time; add a timeDate, timeDuration or timeCycle"),
        ],
    )


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("timeDuration", "'P3M'"),
        ("timeDuration", '"PT1H"'),
        ("timeDuration", "'P1Y2M10DT2H30M'"),
        ("timeDuration", "'P2W'"),
        ("timeDuration", "review_period"),
        ("timeDate", "'2026-03-01'"),
        ("timeDate", "'2026-03-01T09:00:00+00:00'"),
        ("timeDate", "filing_date + timedelta(days=30)"),
        ("timeCycle", "'R3/PT1H'"),
        ("timeCycle", "'R5/2026-03-01T09:00:00+00:00/P1D'"),
    ],
)
def test_timer_values_that_are_accepted(kind, text):
    assert timer_problem(kind, text) is None


@pytest.mark.parametrize(
    ("kind", "text", "phrase"),
    [
        ("timeDuration", "PT2H", "must be quoted: write 'PT2H'"),
        ("timeDuration", "'P'", "is not an ISO 8601 duration"),
        ("timeDuration", "5", "is not an ISO 8601 duration"),
        ("timeDuration", "'P1W2D'", "is not an ISO 8601 duration"),
        ("timeDate", "'P3M'", "is not an ISO 8601 date"),
        ("timeDate", "2026-03-01", "must be quoted"),
        ("timeCycle", "'3/PT1H'", "is not an ISO 8601 cycle"),
        ("timeCycle", "'Rx/PT1H'", "is not an ISO 8601 cycle"),
        ("timeCycle", "  ", "the timeCycle is empty"),
        ("timeDuration", "__import__('os')", "does not compile"),
    ],
)
def test_timer_values_that_are_refused(kind, text, phrase):
    assert phrase in timer_problem(kind, text)


def test_service_tasks_use_registered_operators_and_parameters_compile():
    assert_findings(
        "service_tasks.bpmn",
        [
            ("service_tasks.bpmn:9: send_receipt:", 'operator "send_receipt_letter" is not registered; choose one of: demo_operator'),
            ("service_tasks.bpmn:23: compute_fees:", "parameter \"tariff\" value 'tariff 2026' does not compile"),
            ("service_tasks.bpmn:30: publish:", "the service task has no operator; choose an operator"),
        ],
    )


def test_user_tasks_need_a_known_form_known_roles_and_valid_properties():
    assert_findings(
        "user_tasks.bpmn",
        [
            ("user_tasks.bpmn:10: review:", 'form "demo/reveiw" is not in forms/; known: demo/review'),
            ("user_tasks.bpmn:11: review:", 'candidate role "Examiner" is not a known role'),
            ("user_tasks.bpmn:13: review:", "property priority 'high!' does not compile"),
            ("user_tasks.bpmn:19: decide:", "the user task has no form"),
            ("user_tasks.bpmn:19: decide:", "nobody could pick up this user task"),
            ("user_tasks.bpmn:22: decide:", "property dueIn 'days(' does not compile"),
            ("user_tasks.bpmn:24: decide:", "instructions line 1: Unexpected end of template"),
        ],
    )


def test_lanes_are_roles_and_tasks_in_a_sub_process_take_its_lane():
    # " clerk " is stripped; "Examiner" is not "examiner"; "examine" sits in a sub-process in a lane.
    assert_findings(
        "lanes.bpmn",
        [
            ("lanes.bpmn:12: lane_examiner:", 'lane "Examiner" is not a known role; rename it to one of: clerk, examiner'),
            ("lanes.bpmn:15: lane_unnamed:", "the lane has no name"),
            ("lanes.bpmn:52: archive:", "nobody could pick up this user task"),
        ],
    )


def test_message_catchers_name_a_defined_message():
    assert_findings(
        "messages.bpmn",
        [
            ("messages.bpmn:11: wait_for_reply:", 'waits for message "reply_received", which is not defined in this file'),
            ("messages.bpmn:17: wait_for_anything:", "waits for a message but names none; set messageRef to one of: payment_received"),
        ],
    )


def test_non_executable_process_is_reported_once_at_the_process():
    assert_findings(
        "not_executable.bpmn",
        [("not_executable.bpmn:3: sketch:", 'process Renewal sketch is not executable; set isExecutable="true"')],
    )


def test_dmn_cells_compile_as_the_dmn_engine_evaluates_them():
    assert_findings(
        "fee_class.dmn",
        [
            ("fee_class.dmn:17: input_broken:", "input expression 'class count' does not compile"),
            ("fee_class.dmn:51: rule_bad_applicant:", "input cell '=> 5' (rule 3, input \"Applicant\") does not compile"),
            ("fee_class.dmn:57: rule_bad_broken:", '"_secret" is an invalid variable name'),
            ("fee_class.dmn:60: rule_bad_fee:", "output cell 'fee *' (rule 3) does not compile"),
            ("fee_class.dmn:63: rule_short:", "rule 4 has 1 input cells but the table has 3 inputs"),
        ],
    )


def test_dmn_with_a_prefixed_namespace_is_matched_by_local_name():
    assert_findings(
        "prefixed.dmn",
        [("prefixed.dmn:16: rule_receipt_template:", "output cell 'receipt letter' (rule 1) does not compile")],
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("> 5", "x> 5"),
        ("in [1, 2]", "xin [1, 2]"),
        ('"sme", "large"', '(x) == ("sme", "large")'),
        ("4 < ? < 6", "4 < dmninputexpr < 6"),
        ("'why?'", "(x) == ('why?')"),
        ("len(?) > 2", "len(dmninputexpr) > 2"),
    ],
)
def test_dmn_test_expression_matches_the_engine(cell, expected):
    assert dmn_test_expression("x", cell) == expected


def test_a_failing_rule_becomes_a_problem_not_an_exception(monkeypatch):
    def broken_rule(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(lint_module, "BPMN_RULES", (broken_rule,))

    found = lint("not_executable.bpmn")

    assert [str(p) for p in found] == [
        "not_executable.bpmn:0: -: could not be checked by broken_rule (RuntimeError: boom); please report this",
        'not_executable.bpmn:3: sketch: process Renewal sketch is not executable; set isExecutable="true" to deploy it',
    ]
