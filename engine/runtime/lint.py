"""Our own lint on top of the XSD: what SpiffWorkflow would only find when an instance runs.

    problems = lint_library(parse_sources(sources), form_keys=..., operators=..., roles=...)

Every finding is a Problem naming file, line, element id and what to do about it. The rules for
BPMN elements live in `lint_rules`; this module runs them, plus the file-level and DMN checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from engine.errors import Problem
from engine.runtime.lint_rules import (
    BPMN_RULES,
    LintContext,
    compile_error,
    detail,
    localname,
)
from engine.runtime.operators import OperatorRegistry
from engine.runtime.parsing import DMN_SUFFIX, ParseResult
from engine.runtime.sandbox import ScriptSyntaxError, compile_script

Rule = Callable[[LintContext], Iterable[Problem]]

# SpiffWorkflow's DMN engine binds the input value to this name when a cell uses "?".
DMN_INPUT_NAME = "dmninputexpr"


def lint_library(
    parsed: ParseResult,
    *,
    form_keys: set[str],
    operators: OperatorRegistry,
    roles: set[str],
) -> list[Problem]:
    """Check every BPMN and DMN file in `parsed.trees`; return the findings sorted by file and line.

    `form_keys` are the forms in forms/, `operators` the registered service operators and `roles`
    the roles people can hold (lane names and candidate roles must be among them).
    """
    problems: list[Problem] = []
    for path in sorted(parsed.trees):
        ctx = LintContext(
            path=path,
            tree=parsed.trees[path],
            form_keys=frozenset(form_keys),
            operators=operators,
            roles=frozenset(r.strip() for r in roles),
        )
        rules = DMN_RULES if path.endswith(DMN_SUFFIX) else (*BPMN_RULES, check_executable)
        for rule in rules:
            problems.extend(_run(rule, ctx))
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


def _run(rule: Rule, ctx: LintContext) -> list[Problem]:
    # A bug in one check must not hide the findings of the others, nor escape as a crash.
    try:
        return list(rule(ctx))
    except Exception as exc:
        return [Problem(ctx.path, 0, "", f"could not be checked by {rule.__name__} ({type(exc).__name__}: {exc}); please report this")]


def check_executable(ctx: LintContext) -> Iterator[Problem]:
    """SpiffWorkflow refuses a process marked isExecutable="false"; parsing skips it silently."""
    for process in ctx.find("//bpmn:process"):
        # Same reading as SpiffWorkflow: absent means executable, anything but "true" means not.
        if process.get("isExecutable", "true") != "true":
            name = process.get("name") or process.get("id", "")
            yield ctx.problem(process, f'process {name} is not executable; set isExecutable="true" to deploy it')


# ---------------------------------------------------------------- DMN

def _children(element, name: str) -> list:
    # DMN files come in several namespace versions (and prefixes); match by local name.
    return [child for child in element if localname(child) == name]


def _text_of(element, *path: str):
    """The `text` element under element/path[0]/path[1]/..., or None."""
    for name in (*path, "text"):
        found = _children(element, name)
        if not found:
            return None
        element = found[0]
    return element


def check_dmn(ctx: LintContext) -> Iterator[Problem]:
    """Every DMN cell compiles as SpiffWorkflow's DMN engine would evaluate it."""
    for table in ctx.tree.iter():
        if localname(table) == "decisionTable":
            yield from _check_table(ctx, table)


def _check_table(ctx: LintContext, table) -> Iterator[Problem]:
    columns = []
    for column in _children(table, "input"):
        text = _text_of(column, "inputExpression")
        source = (text.text or "").strip() if text is not None else ""
        error = compile_error(source, "eval") if source else None
        if error is not None:
            yield ctx.problem(
                column,
                f"input expression {source!r} does not compile: {detail(error)} Write a Python expression, e.g. fee_class",
                text,
            )
        # With no (usable) expression the engine reads a value from task data; any name will do here.
        label = column.get("label") or column.get("name") or source or column.get("id", "")
        columns.append((source if source and error is None else DMN_INPUT_NAME, label))
    for row, rule in enumerate(_children(table, "rule"), start=1):
        entries = _children(rule, "inputEntry")
        if len(entries) != len(columns):
            yield ctx.problem(rule, f"rule {row} has {len(entries)} input cells but the table has {len(columns)} inputs; "
                              "give every input a cell (- for any value)")
        for entry, (expression, label) in zip(entries, columns, strict=False):
            yield from _check_input_entry(ctx, entry, expression, f'rule {row}, input "{label}"')
        for entry in _children(rule, "outputEntry"):
            yield from _check_output_entry(ctx, entry, f"rule {row}")


def _check_input_entry(ctx: LintContext, entry, expression: str, where: str) -> Iterator[Problem]:
    text = _text_of(entry)
    cell = text.text if text is not None else None
    if cell is None or cell == "-":  # exactly what the engine reads as "any value"
        return
    error = compile_error(dmn_test_expression(expression, cell), "eval")
    if error is not None:
        yield ctx.problem(
            entry,
            f"input cell {cell.strip()!r} ({where}) does not compile: {detail(error)} "
            "Write a value such as 'approved', a comparison such as > 5, or - for any value",
            text,
        )


def _check_output_entry(ctx: LintContext, entry, where: str) -> Iterator[Problem]:
    text = _text_of(entry)
    if text is None or not text.text:  # the engine outputs "" for an empty cell
        return
    error = compile_error(text.text, "eval")
    if error is not None:
        yield ctx.problem(
            entry,
            f"output cell {text.text.strip()!r} ({where}) does not compile: {detail(error)} "
            "Output cells are Python expressions: quote text, e.g. 'approved'",
            text,
        )


def dmn_test_expression(input_expression: str, cell: str) -> str:
    """The expression SpiffWorkflow's DMNEngine.evaluate builds for one input cell.

    A cell using "?" stands for the input value itself ("4 < ? < 6"); a cell that is an
    expression on its own is compared for equality; otherwise ("> 5", "in [1, 2]") the cell is
    appended to the input expression.
    """
    marked = _mark_input(cell)
    if DMN_INPUT_NAME in marked:
        return marked
    try:
        compile_script(cell, "eval")
    except ScriptSyntaxError:  # the engine catches SyntaxError only; other refusals propagate
        return input_expression + cell
    except Exception:
        return cell  # refused on its own: compiling it again reports why
    return f"({input_expression}) == ({cell})"


_QUOTED_OR_MARK = re.compile(r"""('[^']*'|"[^"]*")|\?""")


def _mark_input(cell: str) -> str:
    """Replace each "?" outside quoted text by the input's name."""
    return _QUOTED_OR_MARK.sub(lambda m: m.group(1) or DMN_INPUT_NAME, cell)


DMN_RULES: tuple[Rule, ...] = (check_dmn,)
