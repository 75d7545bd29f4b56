"""The pieces the script sandbox is built from: the compile policy, the run-time guards and the watchdog.

`sandbox.py` puts them together; nothing here knows about BPMN or task data.
"""

from __future__ import annotations

import ast
import builtins as _python_builtins
import operator
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from RestrictedPython import safe_builtins
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    RestrictingNodeTransformer,
    copy_locations,
)

# Code objects of analyst scripts carry this filename; tracebacks and the watchdog find them by it.
SCRIPT_FILENAME = "<ipflow-script>"

# Cheap ceilings against memory bombs that run inside one C call, where the watchdog cannot look.
MAX_SEQUENCE_LEN = 10_000_000
MAX_INT_BITS = 1_000_000
MAX_RANGE_LEN = 1_000_000

# Not underscore-prefixed, yet a way to class hierarchies or to str.format's attribute lookups.
_REFUSED_ATTRIBUTES = frozenset({"mro", "format", "format_map"}) | INSPECT_ATTRIBUTES


class ScriptTimeout(BaseException):
    """Raised into a script that overran its time limit.

    A BaseException so that `except Exception:` in the script does not swallow it.
    """


class ScriptPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, stricter where analysts never need the feature.

    It also routes `*`, `**` and `<<` through size guards, and calls `_deadline_()` at the top
    of every loop body (CPython 3.11 emits no trace event for a one-instruction loop such as
    `while True: pass`) and of every except/finally block (the watchdog's trace hook is gone
    once it fired, so a script catching the timeout must meet it again there).
    """

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "imports are not allowed in scripts")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "imports are not allowed in scripts")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed in scripts")
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _GUARDED_BINOPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(
            func=ast.Name("_binop_", ast.Load()),
            args=[ast.Constant(symbol), node.left, node.right],
            keywords=[],
        )
        copy_locations(call, node)
        copy_locations(call.func, node)
        copy_locations(call.args[0], node)
        return call

    def visit_While(self, node: ast.While) -> ast.AST:
        node = super().visit_While(node)
        node.body.insert(0, _deadline_check(node.body[0]))
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        node = super().visit_For(node)
        node.body.insert(0, _deadline_check(node.body[0]))
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        node = super().visit_ExceptHandler(node)
        node.body.insert(0, _deadline_check(node))
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        node = super().visit_Try(node)
        if node.finalbody:
            node.finalbody.insert(0, _deadline_check(node.finalbody[0]))
        return node


_GUARDED_BINOPS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<"}


def _deadline_check(near: ast.AST) -> ast.stmt:
    """Build the statement `_deadline_()` with the source position of `near`."""
    stmt = ast.Expr(ast.Call(func=ast.Name("_deadline_", ast.Load()), args=[], keywords=[]))
    ast.copy_location(stmt, near)
    return ast.fix_missing_locations(stmt)  # children inherit the statement's position


# ---------------------------------------------------------------- run-time guards


def guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    """`obj.name` for scripts: private, introspection and formatting attributes are refused."""
    if not isinstance(name, str):
        raise TypeError("attribute names must be strings")
    if name.startswith("_") or name in _REFUSED_ATTRIBUTES:
        raise AttributeError(f'attribute "{name}" is not allowed in scripts')
    return getattr(obj, name, *default)


def guarded_write(obj: Any) -> Any:
    """Allow item/attribute writes only on plain containers (task data and what scripts build)."""
    if isinstance(obj, (dict, list)):
        return obj
    raise TypeError(f"scripts may only change dicts and lists, not {type(obj).__name__}")


def _check_sequence_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        is_repeat = isinstance(seq, (str, bytes, bytearray, list, tuple)) and isinstance(count, int)
        if is_repeat and len(seq) * count > MAX_SEQUENCE_LEN:
            raise MemoryError(f"result would have more than {MAX_SEQUENCE_LEN} items")


def _check_int_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise MemoryError(f"integer result would have more than {MAX_INT_BITS} bits")


def _check_binop(symbol: str, left: Any, right: Any) -> None:
    """Refuse `*`, `**` and `<<` whose result would be absurdly large, before computing it."""
    both_ints = isinstance(left, int) and isinstance(right, int)
    if symbol == "*":
        _check_sequence_repeat(left, right)
        if both_ints:
            _check_int_bits(left.bit_length() + right.bit_length())
    elif symbol == "**":
        if both_ints and right > 0 and abs(left) > 1:
            _check_int_bits(right * abs(left).bit_length())
    elif symbol == "<<" and both_ints:
        _check_int_bits(left.bit_length() + right)


_BINOPS = {"*": operator.mul, "**": operator.pow, "<<": operator.lshift}


def guarded_binop(symbol: str, left: Any, right: Any) -> Any:
    """`left * right`, `left ** right` and `left << right` with size ceilings."""
    _check_binop(symbol, left, right)
    return _BINOPS[symbol](left, right)


_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def guarded_inplace(op: str, target: Any, value: Any) -> Any:
    """`target op= value` for plain names (RestrictedPython rewrites `n += 1` into a call)."""
    if op not in _INPLACE:
        raise TypeError(f"operator {op} is not supported in scripts")
    _check_binop(op[:-1], target, value)
    return _INPLACE[op](target, value)


def guarded_range(*args: int) -> range:
    """range() capped so that `list(range(10**10))` cannot eat the memory."""
    result = range(*args)
    try:
        size = len(result)
    except OverflowError:
        size = MAX_RANGE_LEN + 1
    if size > MAX_RANGE_LEN:
        raise MemoryError(f"range() may have at most {MAX_RANGE_LEN} items in scripts")
    return result


def guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    """The pow() builtin; with a modulus the result stays small, without it the `**` guard applies."""
    if mod is not None:
        return pow(base, exp, mod)
    return guarded_binop("**", base, exp)


def guarded_apply(func: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call with `*args`/`**kwargs`; RestrictedPython routes those calls through `_apply_`."""
    return func(*args, **kwargs)


# Builtins a script could use to stop the worker or to define its own types.
_DROPPED_BUILTINS = {"__build_class__", "SystemExit", "KeyboardInterrupt", "GeneratorExit", "setattr", "delattr"}

_EXTRA_BUILTINS: dict[str, Any] = {
    name: getattr(_python_builtins, name)
    for name in (
        "sum", "min", "max", "any", "all", "enumerate", "zip", "sorted", "reversed", "list",
        "dict", "set", "frozenset", "tuple", "map", "filter", "len", "round", "abs", "str",
        "int", "float", "bool", "isinstance",
    )
}


def script_builtins() -> dict[str, Any]:
    """The `__builtins__` of every script: RestrictedPython's safe set, a few extras, guarded variants."""
    names = {k: v for k, v in safe_builtins.items() if k not in _DROPPED_BUILTINS}
    names.update(_EXTRA_BUILTINS)
    names.update(getattr=guarded_getattr, range=guarded_range, pow=guarded_pow)
    return names


def guard_globals(deadline_check: Callable[[], None]) -> dict[str, Any]:
    """The hidden names RestrictedPython's rewritten code calls, for one run."""
    return {
        "__builtins__": script_builtins(),
        "__name__": "ipflow_script",
        "_getattr_": guarded_getattr,
        "_getitem_": operator.getitem,
        "_getiter_": iter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": guarded_write,
        "_inplacevar_": guarded_inplace,
        "_apply_": guarded_apply,
        "_print_": PrintCollector,  # output is collected and dropped
        "_binop_": guarded_binop,
        "_deadline_": deadline_check,
    }


# Names of the run-time guards; the sandbox never copies them back into task data.
GUARD_NAMES = frozenset(guard_globals(lambda: None))


# ---------------------------------------------------------------- watchdog


class Watchdog:
    """Stops a script that runs past its deadline, in whatever thread it runs.

    `sys.settrace` is per thread, so workers in threads are fine (no signals). Only script
    frames are traced: the deadline is checked when one starts and on each of its lines.
    """

    def __init__(self, time_limit: float):
        self.time_limit = time_limit
        self.deadline = time.monotonic() + time_limit
        self.expired = False

    def check(self) -> None:
        """Raise ScriptTimeout once the deadline has passed (and forever after)."""
        if self.expired or time.monotonic() > self.deadline:
            self.expired = True
            raise ScriptTimeout()

    def _on_call(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SCRIPT_FILENAME:
            return None  # never interrupt trusted helper code halfway (it may hold a transaction)
        self.check()
        return self._on_line

    def _on_line(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            self.check()
        return self._on_line

    def run(self, func: Callable[[], Any]) -> Any:
        """Call `func()` under this watchdog, then put the thread's previous tracer back."""
        previous = sys.gettrace()
        sys.settrace(self._on_call)
        try:
            return func()
        finally:
            sys.settrace(previous)


def script_line(tb: Any) -> int | None:
    """The line inside the script of the innermost script frame in a traceback."""
    line = None
    for frame, lineno in _walk_tb(tb):
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            line = lineno
    return line


def _walk_tb(tb: Any) -> Iterable[tuple[Any, int]]:
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next
