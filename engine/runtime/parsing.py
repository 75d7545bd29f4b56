"""Parse a set of BPMN and DMN files into process specs, or into `file:line: element: message` lines.

A fresh parser is made for every attempt: SpiffWorkflow's parser caches partial specs, so one that
has failed is thrown away. Nothing here raises for bad input; everything comes back as Problems.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.errors import Problem
from engine.runtime.specs import IpflowParser
from engine.runtime.state import ProcessSpecs

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN_SUFFIX = ".dmn"
BPMN_SUFFIX = ".bpmn"


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the library root, '/'-separated
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def kind(self) -> str:
        return "dmn" if self.path.endswith(DMN_SUFFIX) else "bpmn"


@dataclass
class ParsedProcess:
    """One executable process ready to deploy, with every file it depends on."""

    specs: ProcessSpecs
    name: str
    files: set[str] = field(default_factory=set)
    form_keys: set[str] = field(default_factory=set)


@dataclass
class ParseResult:
    processes: dict[str, ParsedProcess]
    problems: list[Problem]
    trees: dict[str, etree._Element]  # path -> parsed XML root, for our own lint
    parser: IpflowParser | None = None


def read_sources(root: Path, paths: Iterable[Path] | None = None) -> list[SourceFile]:
    """The BPMN and DMN files under `root` (or the given files/folders), sorted by path."""
    root = root.resolve()
    targets = [Path(p).resolve() for p in paths] if paths else [root]
    found: dict[str, SourceFile] = {}
    for target in targets:
        files = [target] if target.is_file() else sorted(target.rglob("*"))
        for file in files:
            if file.suffix in (BPMN_SUFFIX, DMN_SUFFIX) and file.is_file():
                rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()
                found[rel] = SourceFile(rel, file.read_bytes())
    return [found[k] for k in sorted(found)]


def parse_sources(sources: list[SourceFile]) -> ParseResult:
    problems: list[Problem] = []
    trees: dict[str, etree._Element] = {}
    for source in sources:
        tree = _parse_xml(source, problems)
        if tree is not None:
            trees[source.path] = tree
    for path, tree in trees.items():
        if path.endswith(BPMN_SUFFIX):
            problems.extend(_schema_problems(path, tree))
    if problems:
        return ParseResult({}, problems, trees)

    parser = IpflowParser()
    for path, tree in trees.items():
        try:
            if path.endswith(DMN_SUFFIX):
                parser.add_dmn_xml(tree, filename=path)
            else:
                parser.add_bpmn_xml(tree, filename=path)
        except (SpiffWorkflowException, etree.LxmlError, KeyError, AttributeError, TypeError) as exc:
            problems.append(_problem_from(exc, path, trees))
    problems.extend(_reference_problems(parser, trees))
    if problems:
        return ParseResult({}, problems, trees, parser)

    processes: dict[str, ParsedProcess] = {}
    for process_id in sorted(parser.get_process_ids()):
        process_parser = parser.get_process_parser(process_id)
        if not process_parser.process_executable:
            continue
        try:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
        except (SpiffWorkflowException, KeyError, AttributeError, TypeError, ValueError) as exc:
            problems.append(_problem_from(exc, process_parser.filename, trees, default_id=process_id))
            continue
        processes[process_id] = _bundle(parser, process_id, spec, subprocess_specs)
    return ParseResult(processes, problems, trees, parser)


def _parse_xml(source: SourceFile, problems: list[Problem]):
    try:
        return etree.fromstring(source.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        problems.append(Problem(source.path, line, "", f"not well-formed XML: {exc.msg}"))
        return None


def _schema_problems(path: str, tree) -> list[Problem]:
    schema = VALIDATOR.validator
    VALIDATOR.preprocess(tree)
    if schema.validate(tree):
        return []
    return [
        Problem(path, err.line, _id_at_line(tree, err.line), f"does not follow the BPMN schema: {err.message}")
        for err in schema.error_log
    ]


def _id_at_line(tree, line: int) -> str:
    for element in tree.iter():
        if element.sourceline == line and element.get("id"):
            return element.get("id")
    return ""


def line_of(trees: Mapping[str, etree._Element], path: str, element_id: str) -> int | None:
    """The line of the element with this id (SpiffWorkflow does not always say)."""
    tree = trees.get(path)
    if tree is None or not element_id:
        return None
    found = tree.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def _problem_from(exc: Exception, path: str, trees, default_id: str = "") -> Problem:
    element_id = getattr(exc, "id", "") or default_id
    file = getattr(exc, "file_name", "") or path
    line = getattr(exc, "line_number", "") or line_of(trees, file, element_id) or 0
    if isinstance(exc, ValidationException):
        message = str(exc.args[0]) if exc.args else str(exc)
    elif isinstance(exc, SpiffWorkflowException):
        message = str(exc)
    else:
        message = f"cannot be read ({type(exc).__name__}: {exc})"
    return Problem(file, int(line or 0), element_id, message.strip())


def _reference_problems(parser: IpflowParser, trees) -> list[Problem]:
    """Called processes and decisions that exist nowhere in the library, found before the
    library would fail on them with a less helpful message."""
    problems = []
    known_processes = set(parser.get_process_ids())
    known_decisions = set(parser.dmn_parsers)
    for path, tree in trees.items():
        if path.endswith(DMN_SUFFIX):
            continue
        problems.extend(_id_clashes(path, tree))
        for call in tree.iter(f"{{{BPMN_NS}}}callActivity"):
            target = call.get("calledElement")
            if not target:
                problems.append(Problem(path, call.sourceline, call.get("id", ""), "call activity names no process to call (calledElement)"))
            elif target not in known_processes:
                problems.append(Problem(path, call.sourceline, call.get("id", ""), f"calls process {target!r}, which is not in the library"))
        for rule in tree.iter(f"{{{BPMN_NS}}}businessRuleTask"):
            ref = rule.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}calledDecisionId")
            decision = (ref.text or "").strip() if ref is not None else ""
            if not decision:
                problems.append(Problem(path, rule.sourceline, rule.get("id", ""), "business rule task names no decision (spiffworkflow:calledDecisionId)"))
            elif decision not in known_decisions:
                problems.append(Problem(path, rule.sourceline, rule.get("id", ""), f"uses decision {decision!r}, which no DMN file in the library defines"))
    return problems


def _id_clashes(path: str, tree) -> list[Problem]:
    """SpiffWorkflow looks elements up by id across the whole document, so a BPMN element whose id
    is also an operator's or a parameter's id gets parsed as that extension element."""
    extension_ids = {e.get("id") for e in tree.iter(f"{{{SPIFF_NS}}}*") if e.get("id")}
    return [
        Problem(path, element.sourceline, element.get("id"),
                f"the id {element.get('id')!r} is also a service operator's or parameter's id; rename the element")
        for element in tree.iter(f"{{{BPMN_NS}}}*")
        if element.get("id") in extension_ids
    ]


def _bundle(parser: IpflowParser, process_id: str, spec, subprocess_specs) -> ParsedProcess:
    process_parser = parser.get_process_parser(process_id)
    bundle = ParsedProcess(ProcessSpecs(process_id, spec, subprocess_specs), process_parser.get_name())
    for pid in (process_id, *subprocess_specs):
        sub_parser = parser.get_process_parser(pid)
        if sub_parser is not None and sub_parser.filename:
            bundle.files.add(sub_parser.filename)
    for s in (spec, *subprocess_specs.values()):
        for task_spec in s.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if engine is not None:
                decision_id = engine.decision_table.id if hasattr(engine.decision_table, "id") else None
                bundle.files.update(_dmn_files(parser, decision_id))
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            if properties.get("formKey"):
                bundle.form_keys.add(properties["formKey"])
    return bundle


def _dmn_files(parser: IpflowParser, decision_table_id: str | None) -> set[str]:
    files = set()
    for dmn_parser in parser.dmn_parsers.values():
        dmn_parser.parse()
        tables = dmn_parser.decision.decisionTables
        if decision_table_id is None or any(t.id == decision_table_id for t in tables):
            files.add(dmn_parser.filename)
    return files
