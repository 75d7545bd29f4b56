"""What the script sandbox refuses: escapes, dangerous builtins, runaway loops, memory bombs."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.errors import ScriptError
from engine.runtime.sandbox import Sandbox, ScriptSyntaxError, compile_script

# Every refusal case puts a harmless statement first, so the reported line must be 2.
COMPILE_TIME_REFUSALS = [
    ("import os", "imports are not allowed"),
    ("from os import path", "imports are not allowed"),
    ("__import__('os')", '"__import__" is an invalid variable name'),
    ("().__class__.__bases__[0].__subclasses__()", "starts with \"_\""),
    ("(lambda: 0).__globals__", '"__globals__" is an invalid attribute name'),
    ("x.__dict__", '"__dict__" is an invalid attribute name'),
    ("eval('1')", "eval calls are not allowed"),
    ("exec('1')", "exec calls are not allowed"),
    ("type(x).__mro__", '"__mro__" is an invalid attribute name'),
    ("f'{x.__class__}'", '"__class__" is an invalid attribute name'),
    ("class Escape: pass", "class definitions are not allowed"),
]

RUN_TIME_REFUSALS = [
    ("open('/etc/passwd')", "NameError: name 'open' is not defined"),
    ("compile('1', 'f', 'exec')", "NameError: name 'compile' is not defined"),
    ("globals()", "NameError: name 'globals' is not defined"),
    ("type(x)", "NameError: name 'type' is not defined"),
    ("getattr(x, '__class__')", 'attribute "__class__" is not allowed'),
    ("getattr(x, '__class__', None)", 'attribute "__class__" is not allowed'),
    ("'{0.__class__}'.format(1)", 'attribute "format" is not allowed'),
    ("str.format('{0.__class__}', 1)", 'attribute "format" is not allowed'),
    ("'{x}'.format_map({'x': 1})", 'attribute "format_map" is not allowed'),
    ("str.mro()", 'attribute "mro" is not allowed'),
    ("raise SystemExit", "NameError: name 'SystemExit' is not defined"),
    ("when = date(2024, 1, 1)\nwhen.year = 1999", "scripts may only change dicts and lists, not date"),
]


def _refusal(script: str, time_limit: float = 2.0) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        Sandbox(time_limit=time_limit).execute(script, {})
    return caught.value


@pytest.mark.parametrize(("statement", "fragment"), COMPILE_TIME_REFUSALS)
def test_compile_script_refuses_construct_with_its_line(statement, fragment):
    with pytest.raises(ScriptError) as caught:
        compile_script(f"x = 1\n{statement}\n")
    assert fragment in str(caught.value)
    assert caught.value.line == 2


@pytest.mark.parametrize(("statement", "fragment"), COMPILE_TIME_REFUSALS + RUN_TIME_REFUSALS)
def test_execute_refuses_escape_with_its_line(statement, fragment):
    error = _refusal(f"x = 1\n{statement}\n")
    assert fragment in str(error)
    assert error.line == statement.count("\n") + 2


def test_refused_import_does_not_touch_task_data():
    data = {"fee": 10}
    with pytest.raises(ScriptError):
        Sandbox().execute("fee = 20\nimport os", data)
    assert data == {"fee": 10}


def test_expressions_get_the_same_restrictions_as_scripts():
    with pytest.raises(ScriptError, match="__class__"):
        Sandbox().evaluate("fee.__class__", {"fee": 1})
    with pytest.raises(ScriptError, match="name 'open' is not defined"):
        Sandbox().evaluate("open('/etc/passwd')", {})


def test_syntax_error_is_both_script_error_and_syntax_error_with_line():
    with pytest.raises(ScriptSyntaxError) as caught:
        compile_script("a = 1\nb = (\n")
    assert isinstance(caught.value, SyntaxError)
    assert "syntax error" in str(caught.value)
    assert caught.value.line == 2


def test_expression_line_counts_leading_blank_lines():
    with pytest.raises(ScriptSyntaxError) as caught:
        compile_script("\n\n   fee >\n", "eval")
    assert caught.value.line == 3


def test_statement_is_not_an_expression():
    with pytest.raises(ScriptSyntaxError):
        compile_script("fee = 1", "eval")


def test_task_data_cannot_replace_the_runtime_guards():
    data = {"_write_": None, "_getattr_": None}
    Sandbox().execute("d = {}\nd['k'] = 'v'.upper()", data)
    assert data["d"] == {"k": "V"}


# ---------------------------------------------------------------- time limit

RUNAWAY_SCRIPTS = [
    "while True: pass",
    "x = 0\nwhile True: x += 1",
    "while 1: continue",
    # Catching the timeout must not help: every except/finally block meets the deadline again.
    "while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass",
    "while True:\n    try:\n        pass\n    except:\n        pass",
    "def spin():\n    try:\n        while True: pass\n    finally:\n        while True: pass\nspin()",
    "def forever():\n    while True:\n        yield 1\ntotal = sum(forever())",
    "pairs = [(a, b) for a in range(10**6) for b in range(10**6)]",
]


@pytest.mark.parametrize("script", RUNAWAY_SCRIPTS)
def test_runaway_script_stops_at_the_time_limit(script):
    started = time.monotonic()
    error = _refusal(script, time_limit=0.2)
    elapsed = time.monotonic() - started
    assert "script ran longer than 0.2 s" in str(error)
    assert error.line is not None
    assert elapsed < 2.0


def test_runaway_expression_stops_at_the_time_limit():
    with pytest.raises(ScriptError, match="longer than 0.2 s"):
        Sandbox(time_limit=0.2).evaluate("sum(a * b for a in range(10**6) for b in range(10**6))", {})


def test_time_limit_error_names_the_looping_line():
    error = _refusal("x = 0\ny = 1\nwhile True:\n    x += 1", time_limit=0.2)
    assert error.line in (3, 4)


def test_time_limit_works_in_a_worker_thread():
    def run_in_thread():
        try:
            Sandbox(time_limit=0.2).execute("while True: pass", {})
        except ScriptError as exc:
            return str(exc)
        return "no error"

    with ThreadPoolExecutor(max_workers=1) as pool:
        outcome = pool.submit(run_in_thread).result(timeout=10)
    assert "longer than 0.2 s" in outcome


def test_previous_trace_function_is_restored():
    def tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        Sandbox().execute("x = 1", {})
        with pytest.raises(ScriptError):
            Sandbox(time_limit=0.1).execute("while True: pass", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_fast_script_is_not_stopped_by_a_short_limit():
    data = {}
    Sandbox(time_limit=0.2).execute("total = sum(n for n in range(1000))", data)
    assert data["total"] == 499500


# ---------------------------------------------------------------- memory bombs

MEMORY_BOMBS = [
    ("text = 'x' * 10**10", "more than 10000000 items"),
    ("items = [0] * 10**9", "more than 10000000 items"),
    ("huge = 10**10**10", "more than 1000000 bits"),
    ("huge = pow(2, 10**10)", "more than 1000000 bits"),
    ("huge = 1 << 10**10", "more than 1000000 bits"),
    ("n = 2\nn **= 10**9", "more than 1000000 bits"),
    ("items = list(range(10**10))", "range() may have at most"),
]


@pytest.mark.parametrize(("script", "fragment"), MEMORY_BOMBS)
def test_memory_bomb_is_refused_before_it_allocates(script, fragment):
    error = _refusal(script)
    assert "MemoryError" in str(error)
    assert fragment in str(error)
    assert error.line == script.count("\n") + 1


def test_modest_repetition_and_powers_still_work():
    data = {}
    Sandbox().execute("line = '-' * 20\ngrid = [0] * 5\nbig = 2 ** 100\nshift = 1 << 10\nmod = pow(3, 10**6, 7)", data)
    assert data == {"line": "-" * 20, "grid": [0] * 5, "big": 2**100, "shift": 1024, "mod": pow(3, 10**6, 7)}
