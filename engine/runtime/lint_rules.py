"""The checks behind `engine.runtime.lint.lint_library`, one function per kind of BPMN element.

Every rule takes a LintContext and yields Problems. None of them raises for bad input: analysts'
files are data, and a finding is the only way a rule talks back.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.domain.instructions import check_instructions as check_instructions_source
from engine.errors import Problem, ScriptError
from engine.runtime.operators import OperatorRegistry
from engine.runtime.parsing import BPMN_NS, SPIFF_NS
from engine.runtime.sandbox import compile_script

NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
SANDBOX_HINT = "it must be Python the sandbox accepts (no imports, no names starting with '_')"


@dataclass(frozen=True)
class LintContext:
    """One file being linted, and what the library around it provides."""

    path: str
    tree: etree._Element
    form_keys: frozenset[str]
    operators: OperatorRegistry
    roles: frozenset[str]

    def find(self, xpath: str) -> list:
        return self.tree.xpath(xpath, namespaces=NS)

    def problem(self, owner, message: str, at=None) -> Problem:
        """A finding about `owner` (its id, or its nearest ancestor's), at the line of `at`.

        `at` is an element or a line number; without it the owner's own line is used.
        """
        line = at if isinstance(at, int) else (at if at is not None else owner).sourceline
        return Problem(self.path, line or 0, element_id(owner), message)


def element_id(element) -> str:
    """The id of the element, or of its nearest ancestor that has one."""
    while element is not None:
        if element.get("id"):
            return element.get("id")
        element = element.getparent()
    return ""


def compile_error(source: str, mode: str) -> ScriptError | None:
    """Why the sandbox refuses `source`, or None when it compiles."""
    try:
        compile_script(source, mode)
    except ScriptError as exc:
        return exc
    except Exception as exc:  # e.g. RecursionError on absurd nesting: still the analyst's text
        return ScriptError(f"cannot be compiled ({type(exc).__name__}: {exc})")
    return None


def detail(error: ScriptError) -> str:
    """The sandbox's message as a sentence, without its 'script line N:' prefix (we say where ourselves)."""
    text = (getattr(error, "detail", None) or str(error)).strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def file_line(text_element, script_line: int | None) -> int:
    """The file line of line `script_line` of the text inside `text_element`.

    lxml's sourceline is where the start tag ends, i.e. where the text begins.
    """
    return (text_element.sourceline or 0) + max((script_line or 1) - 1, 0)


def known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def localname(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


# ---------------------------------------------------------------- scripts and conditions

# (xpath of the text element, what analysts call it, how many levels up the owning element is)
SCRIPT_PLACES = (
    ("//bpmn:scriptTask/bpmn:script", "script", 1),
    ("//bpmn:extensionElements/spiffworkflow:preScript", "pre-script", 2),
    ("//bpmn:extensionElements/spiffworkflow:postScript", "post-script", 2),
)
CONDITION_PLACES = (
    ("//bpmn:sequenceFlow/bpmn:conditionExpression", "condition", 1),
    ("//bpmn:conditionalEventDefinition/bpmn:condition", "condition", 2),
    ("//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition", 2),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "completion condition", 2),
)


def _ancestor(element, levels: int):
    for _ in range(levels):
        element = element.getparent()
    return element


def check_scripts(ctx: LintContext) -> Iterator[Problem]:
    """Script tasks and pre/post-scripts must compile in the sandbox."""
    for xpath, label, levels in SCRIPT_PLACES:
        for text in ctx.find(xpath):
            error = compile_error(text.text or "", "exec")
            if error is not None:
                line = error.line or 1
                yield ctx.problem(
                    _ancestor(text, levels),
                    f"{label} line {line}: {detail(error)} Correct the {label}; {SANDBOX_HINT}.",
                    file_line(text, line),
                )


def check_conditions(ctx: LintContext) -> Iterator[Problem]:
    """Gateway, conditional-event and loop conditions must compile as Python expressions."""
    for xpath, label, levels in CONDITION_PLACES:
        for text in ctx.find(xpath):
            owner, source = _ancestor(text, levels), (text.text or "").strip()
            if not source:
                yield ctx.problem(owner, f"the {label} is empty; write a Python expression such as amount > 100, or remove it", text)
                continue
            error = compile_error(text.text, "eval")
            if error is not None:
                yield ctx.problem(
                    owner,
                    f"{label} {source!r} does not compile: {detail(error)} "
                    f"Write it as a Python expression such as fee_paid == True{foreign_hint(source)}.",
                    file_line(text, error.line),
                )


def foreign_hint(source: str) -> str:
    """Name the other engine's expression language, since models are often copied from one."""
    if source.startswith(("${", "#{")):
        return " (${...} is JUEL, Camunda 7's language)"
    if source.startswith("="):
        return " (= ... is FEEL, Camunda 8's language)"
    return ""


# ---------------------------------------------------------------- timers

def _is_duration(value: str) -> bool:
    # The library accepts a bare "P" as an empty duration; a timer that waits for nothing is a typo.
    return bool(TimerEventDefinition.parse_iso_duration(value))


def _is_date(value: str) -> bool:
    return isinstance(TimerEventDefinition.parse_time_or_duration(value), datetime)


def _is_cycle(value: str) -> bool:
    # The library silently reads "3/PT1H" as a cycle too; ISO 8601 wants the leading R.
    if not value.upper().startswith("R"):
        return False
    TimerEventDefinition.parse_iso_recurring_interval(value)
    return True


# kind -> (validator, what it is, an example analysts can copy)
TIMER_KINDS: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "timeDuration": (_is_duration, "an ISO 8601 duration", "'P3M', 'P14D' or 'PT2H'"),
    "timeDate": (_is_date, "an ISO 8601 date", "'2026-03-01' or '2026-03-01T09:00:00+00:00'"),
    "timeCycle": (_is_cycle, "an ISO 8601 cycle", "'R3/PT1H' or 'R5/2026-03-01T09:00:00+00:00/P1D'"),
}


def _valid_iso(kind: str, value: str) -> bool:
    try:
        return TIMER_KINDS[kind][0](value.strip())
    except Exception:  # the library's parsers raise anything from ValueError to bare Exception
        return False


def check_timers(ctx: LintContext) -> Iterator[Problem]:
    """Timers need a time; it is a Python expression, and a literal must be valid ISO 8601."""
    for definition in ctx.find("//bpmn:timerEventDefinition"):
        owner = definition.getparent()
        values = [c for c in definition if localname(c) in TIMER_KINDS and etree.QName(c).namespace == BPMN_NS]
        if not values:
            yield ctx.problem(
                owner,
                "the timer has no time; add a timeDate, timeDuration or timeCycle, e.g. timeDuration 'P3M'",
                definition,
            )
        for value in values:
            message = timer_problem(localname(value), value.text or "")
            if message:
                yield ctx.problem(owner, message, value)


def timer_problem(kind: str, text: str) -> str | None:
    """What is wrong with the text of a timeDate/timeDuration/timeCycle, or None."""
    _, noun, example = TIMER_KINDS[kind]
    raw = text.strip()
    if not raw:
        return f"the {kind} is empty; write {noun} in quotes, e.g. {example}"
    if _valid_iso(kind, raw):
        # SpiffWorkflow evaluates timer values as Python: bare P3M is a variable name, R6/P1D a division.
        return f"the {kind} {raw} must be quoted: write '{raw}' (timer values are Python expressions)"
    error = compile_error(raw, "eval")
    if error is not None:
        return f"the {kind} {raw!r} does not compile: {detail(error)} Write {noun} in quotes, e.g. {example}"
    try:
        value = ast.literal_eval(raw)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None  # computed when the timer starts; the run reports it if the result is wrong
    if not isinstance(value, str) or not _valid_iso(kind, value):
        return f"the {kind} {raw} is not {noun}; write for example {example}"
    return None


# ---------------------------------------------------------------- service tasks

def check_service_tasks(ctx: LintContext) -> Iterator[Problem]:
    """Service tasks name a registered operator; their parameters are Python expressions."""
    registered = known(ctx.operators.names())
    for task in ctx.find("//bpmn:serviceTask"):
        found = task.xpath("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", namespaces=NS)
        if not found:
            yield ctx.problem(task, f"the service task has no operator; choose an operator (spiffworkflow:serviceTaskOperator) from: {registered}")
            continue
        operator = found[0]
        name = (operator.get("id") or "").strip()
        if name not in ctx.operators:
            yield ctx.problem(task, f'operator "{name}" is not registered; choose one of: {registered}', operator)
        for param in operator.xpath(".//spiffworkflow:parameter[@value]", namespaces=NS):
            error = compile_error(param.get("value"), "eval")
            if error is not None:
                yield ctx.problem(
                    task,
                    f'parameter "{param.get("id", "")}" value {param.get("value")!r} does not compile: {detail(error)} '
                    "Parameter values are Python expressions: quote text, e.g. 'letter_A'.",
                    param,
                )


# ---------------------------------------------------------------- user tasks and lanes

def _properties(task) -> dict:
    found = task.xpath("bpmn:extensionElements/spiffworkflow:properties//spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p for p in found}


def _laned_ids(ctx: LintContext) -> set[str]:
    """Ids of flow nodes placed in a named lane (a lane without a name gives no role)."""
    return {
        (ref.text or "").strip()
        for ref in ctx.find("//bpmn:lane[normalize-space(@name)]/bpmn:flowNodeRef")
    }


def _in_lane(task, laned: set[str]) -> bool:
    # Tasks inside an embedded sub-process take the lane of the sub-process (as in SpiffWorkflow).
    return any(el.get("id") in laned for el in task.iterancestors()) or task.get("id") in laned


def check_user_tasks(ctx: LintContext) -> Iterator[Problem]:
    """User tasks need a known form and someone who may pick them up."""
    laned = _laned_ids(ctx)
    for task in ctx.find("//bpmn:userTask"):
        props = _properties(task)
        yield from _check_form_key(ctx, task, props.get("formKey"))
        roles = yield from _check_candidate_roles(ctx, task, props.get("candidateRoles"))
        for name in ("dueIn", "priority"):
            yield from _check_expression_property(ctx, task, props.get(name))
        if not roles and not _in_lane(task, laned):
            yield ctx.problem(
                task,
                "nobody could pick up this user task: put it in a lane named after a role, "
                f"or set the candidateRoles property (known roles: {known(ctx.roles)})",
            )


def _check_form_key(ctx: LintContext, task, prop) -> Iterator[Problem]:
    key = (prop.get("value") or "").strip() if prop is not None else ""
    if not key:
        yield ctx.problem(
            task,
            f"the user task has no form; add a spiffworkflow property formKey naming a form in forms/ (known: {known(ctx.form_keys)})",
        )
    elif key not in ctx.form_keys:
        yield ctx.problem(task, f'form "{key}" is not in forms/; known: {known(ctx.form_keys)}', prop)


def _check_candidate_roles(ctx: LintContext, task, prop) -> Iterator[Problem]:
    """Yields findings; returns the roles named (so the caller knows someone is meant to do it)."""
    if prop is None:
        return []
    roles = [r.strip() for r in (prop.get("value") or "").split(",") if r.strip()]
    for role in roles:
        if role not in ctx.roles:
            yield ctx.problem(task, f'candidate role "{role}" is not a known role; use one of: {known(ctx.roles)}', prop)
    return roles


def _check_expression_property(ctx: LintContext, task, prop) -> Iterator[Problem]:
    if prop is None:
        return
    error = compile_error(prop.get("value") or "", "eval")
    if error is not None:
        yield ctx.problem(
            task,
            f"property {prop.get('name')} {prop.get('value')!r} does not compile: {detail(error)} "
            "It is a Python expression, e.g. 14 or 'P14D'.",
            prop,
        )


def check_lanes(ctx: LintContext) -> Iterator[Problem]:
    """Every lane is named after a role (names are case-sensitive)."""
    for lane in ctx.find("//bpmn:lane"):
        name = (lane.get("name") or "").strip()
        if not name:
            yield ctx.problem(lane, f"the lane has no name; name it after the role that works in it (known roles: {known(ctx.roles)})")
        elif name not in ctx.roles:
            yield ctx.problem(lane, f'lane "{name}" is not a known role; rename it to one of: {known(ctx.roles)}')


# ---------------------------------------------------------------- messages

MESSAGE_CATCHERS = (
    "//bpmn:startEvent/bpmn:messageEventDefinition"
    " | //bpmn:intermediateCatchEvent/bpmn:messageEventDefinition"
    " | //bpmn:boundaryEvent/bpmn:messageEventDefinition"
)


def check_message_refs(ctx: LintContext) -> Iterator[Problem]:
    """Message catch events and receive tasks wait for a message defined in the file."""
    messages = {m.get("id") for m in ctx.find("//bpmn:message") if m.get("id")}
    waiting = [(d.getparent(), d) for d in ctx.find(MESSAGE_CATCHERS)]
    waiting += [(t, t) for t in ctx.find("//bpmn:receiveTask")]
    for owner, holder in waiting:
        ref = (holder.get("messageRef") or "").strip().rpartition(":")[2]  # a QName may carry a prefix
        if not ref:
            yield ctx.problem(owner, f"waits for a message but names none; set messageRef to one of: {known(messages)}", holder)
        elif ref not in messages:
            yield ctx.problem(owner, f'waits for message "{ref}", which is not defined in this file; use one of: {known(messages)}', holder)


def check_instructions(ctx: LintContext) -> Iterator[Problem]:
    """Instructions for end users are Jinja over case data: they must at least parse."""
    for text in ctx.find("//bpmn:userTask/bpmn:extensionElements/spiffworkflow:instructionsForEndUser"):
        error = check_instructions_source(text.text or "")
        if error:
            yield ctx.problem(text.getparent().getparent(), error, text)


BPMN_RULES = (
    check_scripts,
    check_conditions,
    check_timers,
    check_service_tasks,
    check_user_tasks,
    check_lanes,
    check_message_refs,
    check_instructions,
)
