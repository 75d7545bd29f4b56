"""Every BPMN and DMN file of the shared corpus (other people's models) through parse, lint and run.

The corpus is not ours and mostly not meant for ipflow: most files have findings. What must hold is
that nothing crashes, every finding reads `file:line: element-id: message`, and a run ends as
COMPLETED, WAITING or an ipflow error, never a raw library exception.
A table of outcomes is written to test-artifacts/corpus-report.md.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.util.task import TaskState

from engine.clock import ManualClock
from engine.errors import IpflowError, Problem
from engine.runtime.lint import lint_library
from engine.runtime.operators import OperatorContext, OperatorRegistry
from engine.runtime.parsing import BPMN_NS, SPIFF_NS, ParseResult, SourceFile, parse_sources
from engine.runtime.runner import IpflowScriptEngine, complete_human_task, new_workflow, run_to_wait_state, snapshot
from engine.runtime.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
REPORT = REPO / "test-artifacts" / "corpus-report.md"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
PROBLEM_LINE = re.compile(r"^[^:]+:\d+: [^:]*: .+")
MISSING = "<shared/corpus is missing>"
# Human tasks completed / timers fired before a run counts as going round in circles.
MAX_STEPS = 200

# Files whose every process raw SpiffWorkflow 3.2.0 ran to completion (BASELINE.md, SpiffBpmnParser,
# executable processes, human tasks completed with empty data): they must complete with ipflow too.
BASELINE_COMPLETED = {
    "spiff/SpiffWorkflow-tests/bpmn/data/Approvals.bpmn",
    "spiff/SpiffWorkflow-tests/bpmn/data/boundary_timer_on_task.bpmn",
    "spiff/SpiffWorkflow-tests/bpmn/data/call_activity_end_event.bpmn",
    "spiff/SpiffWorkflow-tests/bpmn/data/event-subprocess.bpmn",
    "spiff/SpiffWorkflow-tests/bpmn/data/io_spec_parent.bpmn",
    "spiff/SpiffWorkflow-tests/bpmn/data/timer-cycle.bpmn",
    "spiff/SpiffWorkflow-tests/camunda/data/external_message.bpmn",
    "spiff/SpiffWorkflow-tests/camunda/data/subWorkflowComplex.bpmn",
    "spiff/SpiffWorkflow-tests/spiff/data/business_rule_task.bpmn",
    "spiff/SpiffWorkflow-tests/spiff/data/service_task.bpmn",
}


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return [MISSING]  # one failing test, not an empty (skipped) parametrization
    files = [*CORPUS.rglob("*.bpmn"), *CORPUS.rglob("*.dmn")]
    return sorted(f.relative_to(CORPUS).as_posix() for f in files)


# ---------------------------------------------------------------- loading a file with what it needs


def _xml(path: Path):
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (etree.XMLSyntaxError, OSError):
        return None


def _defined_ids(root) -> set[str]:
    if root is None:
        return set()
    found = root.xpath("//bpmn:process/@id", namespaces=NS)
    found += [d.get("id") for d in root.iter() if isinstance(d.tag, str) and etree.QName(d).localname == "decision"]
    return {i for i in found if i}


def _wanted_ids(root) -> set[str]:
    if root is None:
        return set()
    called = root.xpath("//bpmn:callActivity/@calledElement", namespaces=NS)
    decisions = root.xpath("//spiffworkflow:calledDecisionId/text()", namespaces=NS)
    return {i.strip() for i in [*called, *decisions] if i.strip()}


def with_dependencies(rel_path: str) -> list[str]:
    """The file plus the files (same folder or below) defining the processes and decisions it calls."""
    main = CORPUS / rel_path
    candidates = sorted(p for p in main.parent.rglob("*") if p.suffix in (".bpmn", ".dmn") and p != main)
    roots = {p: _xml(p) for p in [main, *candidates]}
    loaded, defined, queue = [main], _defined_ids(roots[main]), [main]
    while queue:
        for wanted in sorted(_wanted_ids(roots[queue.pop()]) - defined):
            for candidate in candidates:
                ids = _defined_ids(roots[candidate])
                # Several tutorial files define the same process; one that clashes would not load.
                if candidate not in loaded and wanted in ids and not ids & defined:
                    loaded.append(candidate)
                    defined |= ids
                    queue.append(candidate)
                    break
    return [p.relative_to(CORPUS).as_posix() for p in loaded]


def corpus_operators() -> OperatorRegistry:
    """Every operator named anywhere in the corpus, as a stub returning {} (so unknown ones do not dominate)."""
    registry = OperatorRegistry()
    names = set()
    for path in CORPUS.rglob("*.bpmn"):
        root = _xml(path)
        if root is not None:
            names.update(root.xpath("//spiffworkflow:serviceTaskOperator/@id", namespaces=NS))
    for name in sorted(names):
        registry.operator(name)(lambda ctx, **params: {})
    return registry


def lane_names(parsed: ParseResult) -> set[str]:
    return {
        (name or "").strip()
        for tree in parsed.trees.values()
        for name in tree.xpath("//bpmn:lane/@name", namespaces=NS)
    }


# ---------------------------------------------------------------- running


@dataclass
class RunOutcome:
    process_id: str
    status: str  # COMPLETED, WAITING, ERROR (an ipflow error) or CRASH (anything else)
    detail: str = ""
    human_tasks: int = 0
    error: BaseException | None = None

    def __str__(self) -> str:
        human = f", {self.human_tasks} human" if self.human_tasks else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.process_id}: {self.status}{human}{detail}"


def run_process(process_id: str, specs, operators: OperatorRegistry) -> RunOutcome:
    """Run to the end, completing ready human tasks with empty data and moving the clock to due timers."""
    clock = ManualClock()
    engine = IpflowScriptEngine(
        Sandbox(),
        clock,
        operators,
        lambda task: OperatorContext(None, None, str(task.id), task.task_spec.bpmn_id, task.data, "k", {}),
    )
    outcome = RunOutcome(process_id, "WAITING")
    try:
        workflow = new_workflow(specs, engine, {})
        for _ in range(MAX_STEPS):
            run_to_wait_state(workflow)
            if workflow.completed:
                outcome.status = "COMPLETED"
                return outcome
            if not _take_a_step(workflow, clock, outcome):
                outcome.detail = _waiting_for(workflow)
                return outcome
        outcome.detail = f"still going after {MAX_STEPS} steps"
    except IpflowError as exc:
        outcome.status, outcome.detail, outcome.error = "ERROR", f"{type(exc).__name__}: {exc}", exc
    except Exception as exc:
        outcome.status, outcome.detail, outcome.error = "CRASH", f"{type(exc).__name__}: {exc}", exc
    return outcome


def _take_a_step(workflow, clock: ManualClock, outcome: RunOutcome) -> bool:
    """Complete one ready human task, or move the clock to the next timer; False if neither is possible."""
    ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
    if ready:
        complete_human_task(workflow, str(ready[0].id), {})
        outcome.human_tasks += 1
        return True
    timers = snapshot(workflow, None).timers
    if timers:
        clock.set(max(clock.now(), min(t.due_at for t in timers)) + timedelta(seconds=1))
        return True
    return False


def _waiting_for(workflow) -> str:
    state = snapshot(workflow, None)
    parts = [f"message {m.message_name}" for m in state.messages]
    parts += [f"operator {c.operator}" for c in state.service_calls]
    waiting = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.WAITING)]
    return "waiting for " + (", ".join(parts) or ", ".join(waiting[:3]) or "nothing it can name")


# ---------------------------------------------------------------- one file


@dataclass
class FileResult:
    path: str
    loaded: list[str] = field(default_factory=list)
    parse_problems: list[Problem] = field(default_factory=list)
    lint_problems: list[Problem] = field(default_factory=list)
    trees: dict = field(default_factory=dict)
    runs: list[RunOutcome] = field(default_factory=list)
    crash: str = ""  # a traceback if parse or lint raised

    @property
    def problems(self) -> list[Problem]:
        return [*self.parse_problems, *self.lint_problems]

    def own(self, problems: list[Problem]) -> list[Problem]:
        return [p for p in problems if p.file == self.path]


def check_file(rel_path: str, operators: OperatorRegistry) -> FileResult:
    result = FileResult(rel_path)
    try:
        result.loaded = with_dependencies(rel_path)
        parsed = parse_sources([SourceFile(p, (CORPUS / p).read_bytes()) for p in result.loaded])
        result.trees = parsed.trees
        result.parse_problems = list(parsed.problems)
        result.lint_problems = lint_library(parsed, form_keys=set(), operators=operators, roles=lane_names(parsed))
    except Exception:
        result.crash = traceback.format_exc()
        return result
    if not parsed.problems and rel_path.endswith(".bpmn"):
        for process_id, process in sorted(parsed.processes.items()):
            if parsed.parser.get_process_parser(process_id).filename == rel_path:
                result.runs.append(run_process(process_id, process.specs, operators))
    return result


# ---------------------------------------------------------------- the report


def _baseline_runs() -> dict[str, str]:
    """Raw SpiffWorkflow's run column per file, read from BASELINE.md's per-file table."""
    baseline = CORPUS / "BASELINE.md"
    if not baseline.is_file():
        return {}
    rows = {}
    for line in baseline.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split(" | ")]
        if len(cells) >= 5 and cells[0].startswith("| `"):
            rows[cells[0][3:].rstrip("`")] = cells[4] or "—"
    return rows


def _cell(text: str, limit: int = 160) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(results: dict[str, FileResult]) -> list[str]:
    bpmn = [r for r in results.values() if r.path.endswith(".bpmn")]
    dmn = [r for r in results.values() if r.path.endswith(".dmn")]
    runs = [run for r in bpmn for run in r.runs]
    count = {s: sum(run.status == s for run in runs) for s in ("COMPLETED", "WAITING", "ERROR", "CRASH")}

    def split(test) -> str:
        return f"{sum(map(test, bpmn))} of {len(bpmn)} BPMN, {sum(map(test, dmn))} of {len(dmn)} DMN"

    return [
        f"- parse cleanly (XSD + SpiffWorkflow, with their dependencies): {split(lambda r: not r.parse_problems and not r.crash)}",
        f"- validate cleanly (parse + lint, no finding at all): {split(lambda r: not r.problems and not r.crash)}",
        f"- processes run (those of files that parse cleanly): {len(runs)} → COMPLETED {count['COMPLETED']}, "
        f"WAITING {count['WAITING']}, ERROR {count['ERROR']} (ipflow errors), raw library exception {count['CRASH']}",
        f"- BPMN files whose every process ran to completion: {sum(bool(r.runs) and all(x.status == 'COMPLETED' for x in r.runs) for r in bpmn)}",
    ]


def write_report(results: dict[str, FileResult]) -> None:
    baseline = _baseline_runs()
    lines = [
        "# Corpus report: ipflow against shared/corpus",
        "",
        "Generated by tests/integration/test_corpus__compatibility.py. Each BPMN file is loaded with the files it calls;",
        "lint uses every corpus operator as a stub, the loaded files' lane names as roles and no forms (so every user",
        "task has a form finding). Runs complete ready human tasks with empty data and move a manual clock to due timers.",
        "",
        *_summary(results),
        "",
        "| File | Loaded with | Parse problems | Lint findings | ipflow run | Raw SpiffWorkflow run (BASELINE.md) | First finding |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results.values():
        own = r.own(r.problems)
        first = r.crash.strip().splitlines()[-1] if r.crash else str(own[0]) if own else ""
        lines.append(
            f"| `{r.path}` | {_cell(', '.join(Path(p).name for p in r.loaded[1:])) or '—'} "
            f"| {len(r.own(r.parse_problems))} | {len(r.own(r.lint_problems))} "
            f"| {_cell(' · '.join(str(x) for x in r.runs)) or '—'} | {_cell(baseline.get(r.path, '—'))} | {_cell(first)} |"
        )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, FileResult]:
    """Every corpus file checked once; the report is written from the whole set."""
    if not CORPUS.is_dir():
        return {}
    operators = corpus_operators()
    results = {path: check_file(path, operators) for path in corpus_files()}
    write_report(results)
    return results


def test_corpus_is_present():
    assert CORPUS.is_dir(), f"the shared corpus is missing: expected it at {CORPUS}"
    files = corpus_files()
    assert any(f.endswith(".bpmn") for f in files) and any(f.endswith(".dmn") for f in files), files


@pytest.mark.parametrize("rel_path", corpus_files())
def test_corpus_file(rel_path: str, corpus_results: dict[str, FileResult]):
    assert rel_path != MISSING, f"the shared corpus is missing: expected it at {CORPUS}"
    result = corpus_results[rel_path]

    assert result.crash == "", f"parse or lint raised instead of returning Problems:\n{result.crash}"
    for problem in result.problems:
        text = str(problem)
        assert PROBLEM_LINE.match(text), text
        assert problem.message.strip(), text
        if _in_file(result.trees, problem):
            assert problem.line and problem.line > 0, f"element {problem.element_id} is in the file, so it has a line: {text}"
    for run in result.runs:
        assert run.status in ("COMPLETED", "WAITING", "ERROR"), f"{rel_path} {run}: a raw exception escaped" + "".join(
            traceback.format_exception(run.error)
        )
        if run.status == "ERROR":
            assert isinstance(run.error, IpflowError)
    if rel_path in BASELINE_COMPLETED:
        assert result.runs and all(r.status == "COMPLETED" for r in result.runs), [str(r) for r in result.runs]


def _in_file(trees: dict, problem: Problem) -> bool:
    tree = trees.get(problem.file)
    return bool(problem.element_id) and tree is not None and bool(tree.xpath("//*[@id=$id]", id=problem.element_id))


def test_report_is_written_and_counts_every_file(corpus_results: dict[str, FileResult]):
    text = REPORT.read_text(encoding="utf-8")

    assert len(corpus_results) == len(corpus_files())
    for path in corpus_results:
        assert f"| `{path}` |" in text
