"""Run analyst-written Python from BPMN and DMN inside RestrictedPython.

Everything an analyst writes (script tasks, pre/post scripts, gateway conditions, timer
expressions, DMN cells, service-task parameters) goes through `Sandbox`: it refuses imports,
private attributes and the dangerous builtins at compile time or run time, stops scripts that
overrun their time limit, and reports every failure as a `ScriptError` with the script line.
`SandboxScriptEngine` plugs the sandbox into SpiffWorkflow.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import re
import sys
import textwrap
import types
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import IpflowError, ScriptError
from engine.runtime.sandbox_guards import (
    GUARD_NAMES,
    SCRIPT_FILENAME,
    ScriptPolicy,
    ScriptTimeout,
    Watchdog,
    guard_globals,
    script_line,
)

# Always available to scripts, whatever the caller adds.
DEFAULT_HELPERS: Mapping[str, object] = types.MappingProxyType(
    {"datetime": datetime, "date": date, "timedelta": timedelta, "timezone": timezone, "Decimal": Decimal}
)

_COMPILERS = {"exec": compile_restricted_exec, "eval": compile_restricted_eval}
_POLICY_ERROR = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)


class ScriptSyntaxError(ScriptError, SyntaxError):
    """Analyst code that does not parse.

    Also a SyntaxError because SpiffWorkflow's DMN engine probes cells with `validate()` and
    catches SyntaxError to decide whether a cell like `< 5` needs the input prepended.
    """


def _script_error(message: str, line: int | None = None, element_id: str = "",
                  cls: type[ScriptError] = ScriptError) -> ScriptError:
    """Build a ScriptError that remembers its bare message, so it can be re-raised with an element id."""
    err = cls(message, element_id=element_id, line=line)
    err.detail = message
    return err


# ---------------------------------------------------------------- compiling


@functools.lru_cache(maxsize=1024)
def compile_script(source: str, mode: str = "exec") -> types.CodeType:
    """Compile analyst code with RestrictedPython; mode "exec" for scripts, "eval" for expressions.

    Raises ScriptError (ScriptSyntaxError when it does not parse) naming the 1-based line.
    """
    if mode not in _COMPILERS:
        raise ValueError(f"mode must be 'exec' or 'eval', not {mode!r}")
    tree = _parse(source, mode)
    result = _COMPILERS[mode](tree, filename=SCRIPT_FILENAME, policy=ScriptPolicy)
    if result.errors:
        raise _policy_error(result.errors)
    return result.code


def _parse(source: str, mode: str) -> ast.AST:
    # BPMN XML often indents scripts and pads expressions with newlines; Python would refuse
    # both, so normalise them while keeping line numbers true to the original text.
    if mode == "eval":
        text = source.strip()
        offset = source[: len(source) - len(source.lstrip())].count("\n")
    else:
        text, offset = textwrap.dedent(source), 0
    try:
        tree = ast.parse(text, filename=SCRIPT_FILENAME, mode=mode)
    except SyntaxError as exc:
        line = exc.lineno + offset if exc.lineno else None
        raise _script_error(f"syntax error: {exc.msg}", line, cls=ScriptSyntaxError) from None
    except ValueError as exc:  # e.g. NUL bytes in the source
        raise _script_error(f"syntax error: {exc}", cls=ScriptSyntaxError) from None
    return ast.increment_lineno(tree, offset) if offset else tree


def _policy_error(errors: Any) -> ScriptError:
    """Turn RestrictedPython's 'Line N: text' findings into one ScriptError for the first line."""
    findings = []
    for raw in errors:
        match = _POLICY_ERROR.match(raw)
        line = int(match[1]) if match else None
        findings.append((line or 0, line, match[2] if match else raw))
    _, line, text = min(findings, key=lambda f: f[0])
    text = text.strip().rstrip(".")
    return _script_error(text[:1].lower() + text[1:], line)


# ---------------------------------------------------------------- running


class Sandbox:
    """Evaluates expressions and executes scripts against task data, restricted and time-bound."""

    def __init__(self, helpers: Mapping[str, object] | None = None, time_limit: float = 2.0):
        """`helpers` are extra names scripts may use (functions, constants) on top of DEFAULT_HELPERS."""
        self.helpers: dict[str, object] = {**DEFAULT_HELPERS, **(helpers or {})}
        self.time_limit = float(time_limit)

    def evaluate(self, expression: str, context: Mapping, external_context: Mapping | None = None) -> Any:
        """Return the value of `expression`; task data wins over external context, which wins over helpers."""
        code = compile_script(expression, "eval")
        value, _ = self._run(code, context, external_context or {})
        return value

    def execute(self, script: str, context: dict, external_context: Mapping | None = None) -> None:
        """Run `script` with `context` (task data) as its variables and write its results back.

        Afterwards `context` holds the script's top-level variables minus helpers, builtins,
        callables, modules and external-context names (SpiffWorkflow's TaskDataEnvironment contract).
        If the script fails, `context`'s top-level keys are left as they were.
        """
        external = external_context or {}
        self._refuse_shadowing(context, external)
        code = compile_script(script, "exec")
        _, env = self._run(code, context, external)
        self._copy_back(env, context, external)

    def _refuse_shadowing(self, context: Mapping, external: Mapping) -> None:
        clashes = sorted((set(self.helpers) | set(external)) & set(context))
        if clashes:
            names = ", ".join(repr(name) for name in clashes)
            raise _script_error(
                f"task data variable {names} has the same name as a script helper; "
                "rename the variable (form field or script variable)"
            )

    def _run(self, code: types.CodeType, context: Mapping, external: Mapping) -> tuple[Any, dict]:
        watchdog = Watchdog(self.time_limit)
        env: dict[str, Any] = dict(self.helpers)
        env.update(external)
        env.update(context)
        env.update(guard_globals(watchdog.check))  # guards last: task data must not replace them
        try:
            # eval() runs both modes; `code` came out of RestrictedPython, `env` holds its guards.
            return watchdog.run(lambda: eval(code, env)), env
        except ScriptTimeout:
            raise _script_error(
                f"script ran longer than {self.time_limit} s; it was stopped (look for a loop that never ends)",
                _last_line(),
            ) from None
        except ScriptError as exc:  # raised on purpose by a helper: keep it, add the line
            if exc.line is not None:
                raise
            raise _script_error(getattr(exc, "detail", str(exc)), _last_line()) from exc
        except IpflowError:  # other deliberate errors of helpers (e.g. OperatorError) keep their meaning
            raise
        except Exception as exc:
            raise _script_error(_describe(exc), _last_line()) from exc

    def _copy_back(self, env: dict, context: dict, external: Mapping) -> None:
        hidden = set(self.helpers) | set(external) | GUARD_NAMES
        results = {k: v for k, v in env.items() if k not in hidden and not _is_code(v)}
        for name in [name for name in context if name not in results]:
            del context[name]  # the script deleted it, or it is a callable Spiff would drop too
        context.update(results)


def _last_line() -> int | None:
    """Script line of the exception being handled."""
    return script_line(sys.exc_info()[2])


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_code(value: object) -> bool:
    return callable(value) or isinstance(value, types.ModuleType)


# ---------------------------------------------------------------- SpiffWorkflow integration


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow environment backed by a Sandbox.

    SpiffWorkflow calls `environment.evaluate` directly for message correlation and process
    conditions, so this must be safe on its own, not only through the engine.
    """

    def __init__(self, sandbox: Sandbox):
        super().__init__(dict(sandbox.helpers))
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: Mapping, external_context: Mapping | None = None) -> Any:
        """Evaluate an expression in the sandbox."""
        return self.sandbox.evaluate(expression, context, external_context)

    def execute(self, script: str, context: dict, external_context: Mapping | None = None) -> bool:
        """Execute a script in the sandbox; True tells SpiffWorkflow the task is done."""
        self.sandbox.execute(script, context, external_context)
        return True


ServiceCaller = Callable[[Any, str, Mapping[str, Any]], Any]


class SandboxScriptEngine(PythonScriptEngine):
    """SpiffWorkflow script engine whose every script and expression runs in a Sandbox."""

    def __init__(self, sandbox: Sandbox, call_service: ServiceCaller | None = None):
        """`call_service(task, operation_name, operation_params)` runs service tasks, if given."""
        super().__init__(environment=SandboxEnvironment(sandbox))
        self.sandbox = sandbox
        self._service_caller = call_service

    def validate(self, expression: str) -> None:
        """Compile an expression; ScriptSyntaxError (a SyntaxError) when it does not parse."""
        compile_script(expression, "eval")

    def evaluate(self, task: Any, expression: str, external_context: Mapping | None = None) -> Any:
        """Evaluate an expression against the task's data; failures name the task's element."""
        with _blame(task):
            return self.environment.evaluate(expression, task.data, external_context)

    def execute(self, task: Any, script: str, external_context: Mapping | None = None) -> bool:
        """Execute a script against the task's data; failures name the task's element."""
        with _blame(task):
            return self.environment.execute(script, task.data, external_context)

    def call_service(self, task: Any, operation_name: str, operation_params: Mapping[str, Any]) -> Any:
        """Run a service task's operation through the injected caller."""
        if self._service_caller is None:
            raise _script_error(
                f"service operation {operation_name!r} cannot run: no service caller is configured",
                element_id=_element_id(task),
            )
        return self._service_caller(task, operation_name, operation_params)


def _element_id(task: Any) -> str:
    spec = task.task_spec
    return getattr(spec, "bpmn_id", None) or spec.name


@contextlib.contextmanager
def _blame(task: Any) -> Iterator[None]:
    """Re-raise sandbox errors with the BPMN element id of the task they happened in."""
    try:
        yield
    except ScriptError as exc:
        if exc.element_id:
            raise
        detail = getattr(exc, "detail", str(exc))
        raise _script_error(detail, exc.line, _element_id(task), cls=type(exc)) from exc
