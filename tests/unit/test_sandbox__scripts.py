"""What the script sandbox lets analysts do, its task-data contract, and its SpiffWorkflow integration."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.errors import OperatorError, ScriptError
from engine.runtime.sandbox import (
    DEFAULT_HELPERS,
    Sandbox,
    SandboxEnvironment,
    SandboxScriptEngine,
    compile_script,
)

DATA = Path(__file__).parent / "data" / "sandbox"


def run(script: str, data: dict | None = None, **sandbox_kwargs) -> dict:
    """Execute `script` against a copy of `data` and return the resulting task data."""
    context = dict(data or {})
    Sandbox(**sandbox_kwargs).execute(script, context)
    return context


# ---------------------------------------------------------------- ordinary scripts


def test_arithmetic_and_comprehensions():
    result = run("total = (fee * 3 + 4) // 2 - 1\nsquares = [n * n for n in range(4)]\nodd = {n for n in range(6) if n % 2}\n"
                 "index = {name: len(name) for name in names}", {"fee": 10, "names": ["tea", "coffee"]})
    assert result["total"] == 16
    assert result["squares"] == [0, 1, 4, 9]
    assert result["odd"] == {1, 3, 5}
    assert result["index"] == {"tea": 3, "coffee": 6}


def test_building_and_mutating_dicts_and_lists():
    result = run("fees = {}\nfees['filing'] = 100\nfees['search'] = 50\ndel fees['search']\n"
                 "items = []\nitems.append(1)\nitems.extend([2, 3])\nitems[0] = 10\nfirst, *rest = items\n"
                 "for key, value in fees.items():\n    items.append(key)")
    assert result["fees"] == {"filing": 100}
    assert result["items"] == [10, 2, 3, "filing"]
    assert (result["first"], result["rest"]) == (10, [2, 3])


def test_augmented_assignment_operators():
    result = run("n = 10\nn += 5\nn -= 3\nn *= 2\nn //= 5\nn **= 2\ntext = 'a'\ntext += 'b'\nshare = 1\nshare /= 4")
    assert result["n"] == 16
    assert result["text"] == "ab"
    assert result["share"] == 0.25


def test_list_plus_equals_extends_the_task_data_list_in_place():
    classes = [1, 2]
    context = {"classes": classes}
    Sandbox().execute("classes += [3]", context)
    assert context["classes"] is classes
    assert classes == [1, 2, 3]


def test_nested_task_data_can_be_written():
    result = run("applicant['country'] = 'BG'\nmarks[1]['status'] = 'filed'",
                 {"applicant": {"name": "Acme"}, "marks": [{}, {"status": "new"}]})
    assert result["applicant"] == {"name": "Acme", "country": "BG"}
    assert result["marks"][1] == {"status": "filed"}


def test_string_methods_and_f_strings():
    result = run("title = name.strip().title()\ncode = '-'.join(parts).upper()\n"
                 "label = f'{title} ({len(parts)} parts, fee {fee:.2f})'\nstarts = title.startswith('Acme')\n"
                 "legacy = 'no %s' % number",
                 {"name": "  acme ltd ", "parts": ["ep", "123"], "fee": 12.5, "number": 7})
    assert result["title"] == "Acme Ltd"
    assert result["code"] == "EP-123"
    assert result["label"] == "Acme Ltd (2 parts, fee 12.50)"
    assert result["starts"] is True
    assert result["legacy"] == "no 7"


def test_datetime_timedelta_timezone_and_decimal_helpers():
    result = run("due = filed + timedelta(days=30)\nweekday = due.weekday()\n"
                 "stamp = datetime(2024, 5, 1, 12, tzinfo=timezone.utc).isoformat()\n"
                 "fee = Decimal('10.50') * 3\nparsed = date.fromisoformat('2024-02-29')",
                 {"filed": date(2024, 1, 31)})
    assert result["due"] == date(2024, 3, 1)
    assert result["weekday"] == 4
    assert result["stamp"] == "2024-05-01T12:00:00+00:00"
    assert result["fee"] == Decimal("31.50")
    assert result["parsed"] == date(2024, 2, 29)


def test_common_builtins():
    result = run("n = len(items)\nordered = sorted(items, reverse=True)\nbiggest = max(items)\nsmallest = min(items)\n"
                 "total = sum(items)\npairs = list(zip(items, 'abc'))\nnumbered = list(enumerate(items, 1))\n"
                 "doubled = list(map(lambda v: v * 2, items))\nbig = list(filter(lambda v: v > 1, items))\n"
                 "flags = (any(items), all(items), isinstance(n, int), round(2.567, 2), abs(-3))\nback = list(reversed(items))",
                 {"items": [2, 1, 3]})
    assert result["n"] == 3
    assert result["ordered"] == [3, 2, 1]
    assert (result["biggest"], result["smallest"], result["total"]) == (3, 1, 6)
    assert result["pairs"] == [(2, "a"), (1, "b"), (3, "c")]
    assert result["numbered"] == [(1, 2), (2, 1), (3, 3)]
    assert result["doubled"] == [4, 2, 6]
    assert result["big"] == [2, 3]
    assert result["flags"] == (True, True, True, 2.57, 3)
    assert result["back"] == [3, 1, 2]


def test_try_except_inside_a_script_still_handles_errors():
    result = run("try:\n    ratio = 1 / zero\nexcept ZeroDivisionError as exc:\n    ratio = None\n    reason = str(exc)\n"
                 "finally:\n    checked = True", {"zero": 0})
    assert result["ratio"] is None
    assert result["reason"] == "division by zero"
    assert result["checked"] is True


def test_print_is_harmless_and_leaves_no_trace_in_task_data():
    assert run("print('debug', 42)\nx = 1") == {"x": 1}


def test_functions_defined_in_a_script_see_task_data():
    result = run("def with_tax(amount):\n    return amount * (100 + rate) // 100\ngross = with_tax(200)", {"rate": 20})
    assert result["gross"] == 240


# ---------------------------------------------------------------- task-data contract


def test_helpers_and_script_functions_do_not_leak_into_task_data():
    result = run("def double(v):\n    return v * 2\ntriple = lambda v: v * 3\nnow = stamp()\nvalue = double(triple(1))\nkind = date",
                 helpers={"stamp": lambda: "2024-01-01"})
    assert result == {"now": "2024-01-01", "value": 6}


def test_passed_helpers_are_callable_from_scripts():
    calls = []

    def notify(who, subject):
        calls.append((who, subject))
        return len(calls)

    result = run("sent = notify(applicant, 'filing received')", {"applicant": "acme"}, helpers={"notify": notify})
    assert calls == [("acme", "filing received")]
    assert result["sent"] == 1


def test_default_helpers_are_the_datetime_classes_and_decimal():
    assert dict(DEFAULT_HELPERS) == {"datetime": datetime, "date": date, "timedelta": timedelta,
                                     "timezone": timezone, "Decimal": Decimal}
    assert Sandbox().evaluate("Decimal('1.1') + 1", {}) == Decimal("2.1")


def test_external_context_is_readable_but_not_copied_into_task_data():
    context = {"fee": 10}
    Sandbox().execute("total = fee + surcharge", context, external_context={"surcharge": 5})
    assert context == {"fee": 10, "total": 15}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
TASK_DATA = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda k: k not in DEFAULT_HELPERS),
    JSON_VALUES,
    max_size=6,
)


@settings(max_examples=50, deadline=None)
@given(TASK_DATA)
def test_script_that_assigns_nothing_leaves_any_json_task_data_unchanged(data):
    context = dict(data)
    Sandbox().execute("unused = None\ndel unused", context)
    assert context == data


def test_deleted_variable_leaves_task_data():
    assert run("del draft\nkept = 1", {"draft": "x", "other": 2}) == {"other": 2, "kept": 1}


def test_failed_script_leaves_top_level_task_data_unchanged():
    context = {"fee": 10}
    with pytest.raises(ScriptError):
        Sandbox().execute("fee = 99\nnew = 1\nboom = 1 / 0", context)
    assert context == {"fee": 10}


def test_task_data_shadowing_a_helper_names_the_variable_to_rename():
    with pytest.raises(ScriptError, match="'date'.*rename") as caught:
        Sandbox().execute("x = 1", {"date": "2024-01-01"})
    assert "date" in str(caught.value)
    with pytest.raises(ScriptError, match="'lookup'"):
        Sandbox(helpers={"lookup": dict.get}).execute("x = 1", {"lookup": 3})


def test_expression_prefers_task_data_over_external_context_over_helpers():
    sandbox = Sandbox(helpers={"limit": 1})
    assert sandbox.evaluate("limit", {}) == 1
    assert sandbox.evaluate("limit", {}, {"limit": 2}) == 2
    assert sandbox.evaluate("limit", {"limit": 3}, {"limit": 2}) == 3


def test_expression_tolerates_surrounding_whitespace_from_xml():
    assert Sandbox().evaluate("\n   fee > 100\n  ", {"fee": 150}) is True


def test_compiled_code_is_cached_per_source_and_mode():
    assert compile_script("fee + 1", "eval") is compile_script("fee + 1", "eval")
    assert compile_script("fee + 1", "eval") is not compile_script("fee + 1", "exec")


# ---------------------------------------------------------------- run-time errors


@pytest.mark.parametrize(("script", "message", "line"), [
    ("a = 1\nb = missing + 1", "NameError: name 'missing' is not defined", 2),
    ("a = {}\n\nb = a['nope']", "KeyError: 'nope'", 3),
    ("a = 1\nb = a / 0", "ZeroDivisionError: division by zero", 2),
    ("def f(v):\n    return v.upper()\nresult = f(3)", "AttributeError: 'int' object has no attribute 'upper'", 2),
    ("a = 1\nraise ValueError('bad fee')", "ValueError: bad fee", 2),
])
def test_runtime_error_names_class_message_and_script_line(script, message, line):
    with pytest.raises(ScriptError) as caught:
        Sandbox().execute(script, {})
    assert message in str(caught.value)
    assert caught.value.line == line


def test_helper_raising_script_error_gets_the_calling_line():
    def check(value):
        raise ScriptError("fee code unknown")

    with pytest.raises(ScriptError, match="fee code unknown") as caught:
        Sandbox(helpers={"check": check}).execute("a = 1\ncheck(a)", {})
    assert caught.value.line == 2


def test_helper_raising_another_ipflow_error_keeps_its_type():
    def flaky():
        raise OperatorError("registry offline")

    with pytest.raises(OperatorError, match="registry offline"):
        Sandbox(helpers={"flaky": flaky}).execute("flaky()", {})


# ---------------------------------------------------------------- SpiffWorkflow integration


def _workflow(process_id: str, data: dict, dmn: str | None = None, bpmn: str = "fee_routing.bpmn",
              engine: SandboxScriptEngine | None = None) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DATA / bpmn))
    if dmn:
        parser.add_dmn_file(str(DATA / dmn))
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id),
                            script_engine=engine or SandboxScriptEngine(Sandbox()))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


FILING = {"base_fee": 100, "extra_class_fee": 25, "goods": ["tea", "coffee"]}


def test_bpmn_script_task_and_gateway_take_the_high_path():
    workflow = _workflow("fee_routing", {**FILING, "classes": 5})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.data["fee"] == 150
    assert workflow.data["labels"] == ["COFFEE", "TEA"]
    assert workflow.data["fees_by_class"] == {"1": 0, "2": 0, "3": 0, "4": 25, "5": 25}
    assert workflow.data["due"] == "2024-03-01"
    assert workflow.data["band"] == "high"


def test_bpmn_gateway_condition_takes_the_low_path():
    workflow = _workflow("fee_routing", {**FILING, "classes": 2})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert (workflow.data["fee"], workflow.data["band"]) == (100, "low")


def test_bpmn_script_with_import_is_refused_naming_element_and_line():
    workflow = _workflow("import_attempt", {})
    with pytest.raises(ScriptError) as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "import_os"
    assert caught.value.line == 2
    assert "imports are not allowed" in str(caught.value)
    assert not workflow.is_completed()


def test_bpmn_script_failing_at_run_time_names_element_and_line():
    workflow = _workflow("failing_script", {"fee": 100, "applicants": 0})
    with pytest.raises(ScriptError) as caught:
        workflow.do_engine_steps()
    assert (caught.value.element_id, caught.value.line) == ("divide_fee", 2)
    assert "ZeroDivisionError" in str(caught.value)
    assert [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.ERROR)] == ["divide_fee"]


@pytest.mark.parametrize(("classes", "band", "fee"), [(2, "basic", Decimal("100.00")), (5, "extended", Decimal("150.00"))])
def test_dmn_decision_table_cells_run_in_the_sandbox(classes, band, fee):
    workflow = _workflow("fee_decision", {"classes": classes}, dmn="fee_decision.dmn", bpmn="fee_decision.bpmn")
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert (workflow.data["fee_band"], workflow.data["fee"]) == (band, fee)


def test_engine_validate_raises_syntax_error_that_dmn_relies_on():
    engine = SandboxScriptEngine(Sandbox())
    engine.validate("classes <= 3")
    with pytest.raises(SyntaxError):
        engine.validate("<= 3")
    with pytest.raises(ScriptError, match="__class__"):
        engine.validate("classes.__class__")


def test_engine_environment_evaluates_correlation_expressions():
    engine = SandboxScriptEngine(Sandbox())
    assert isinstance(engine.environment, SandboxEnvironment)
    assert engine.environment.evaluate("application['number'].upper()", {"application": {"number": "ep1"}}) == "EP1"
    with pytest.raises(ScriptError, match="imports are not allowed"):
        engine.environment.execute("import os", {})


class _FakeTask:
    """The two attributes the engine reads from a SpiffWorkflow task."""

    def __init__(self, bpmn_id: str, data: dict):
        self.data = data
        self.task_spec = type("Spec", (), {"bpmn_id": bpmn_id, "name": bpmn_id})()


def test_engine_errors_name_the_element_and_keep_the_line():
    engine = SandboxScriptEngine(Sandbox())
    with pytest.raises(ScriptError) as caught:
        engine.evaluate(_FakeTask("gateway_1", {}), "\nfee > 1")
    assert (caught.value.element_id, caught.value.line) == ("gateway_1", 2)
    assert str(caught.value).startswith("gateway_1 line 2:")


def test_engine_execute_returns_true_so_spiff_completes_the_task():
    task = _FakeTask("script_1", {"fee": 1})
    assert SandboxScriptEngine(Sandbox()).execute(task, "fee += 1") is True
    assert task.data == {"fee": 2}


def test_engine_call_service_delegates_to_the_injected_caller():
    seen = []

    def caller(task, operation_name, operation_params):
        seen.append((task.task_spec.bpmn_id, operation_name, operation_params))
        return '{"ok": true}'

    engine = SandboxScriptEngine(Sandbox(), call_service=caller)
    task = _FakeTask("lookup_owner", {})
    result = engine.call_service(task, operation_name="registry.lookup", operation_params={"number": {"value": "EP1"}})
    assert result == '{"ok": true}'
    assert seen == [("lookup_owner", "registry.lookup", {"number": {"value": "EP1"}})]


def test_engine_call_service_without_caller_is_a_clear_script_error():
    engine = SandboxScriptEngine(Sandbox())
    with pytest.raises(ScriptError, match="no service caller is configured") as caught:
        engine.call_service(_FakeTask("lookup_owner", {}), "registry.lookup", {})
    assert caught.value.element_id == "lookup_owner"
