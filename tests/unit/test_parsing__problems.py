"""Parsing never raises: malformed, schema-invalid or confusing files come back as Problem lines."""

from __future__ import annotations

from pathlib import Path

from engine.runtime.parsing import SourceFile, parse_sources

DATA = Path(__file__).parent / "data" / "parsing"


def parse(name: str, content: bytes):
    return parse_sources([SourceFile(name, content)])


def test_an_element_sharing_an_id_with_an_operator_parameter_is_named():
    result = parse("id_clash.bpmn", (DATA / "id_clash.bpmn").read_bytes())
    assert [str(p) for p in result.problems] == [
        "id_clash.bpmn:6: label: the id 'label' is also a service operator's or parameter's id; rename the element"
    ]
    assert result.processes == {}


def test_malformed_xml_gives_its_line():
    result = parse("bad.bpmn", b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n\n<a></b>\n")
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith("bad.bpmn:3: -: not well-formed XML")


def test_unknown_called_process_and_missing_decision_are_named_at_their_element():
    content = (DATA / "id_clash.bpmn").read_text().replace(
        '<bpmn:scriptTask id="label"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
        '<bpmn:callActivity id="call" calledElement="nowhere"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:callActivity>',
    ).replace('targetRef="label"', 'targetRef="call"').replace('sourceRef="label"', 'sourceRef="call"')
    content = content.replace(
        '<bpmn:endEvent id="e">',
        '<bpmn:businessRuleTask id="rule"><bpmn:extensionElements><spiffworkflow:calledDecisionId>no_table'
        '</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>\n    <bpmn:endEvent id="e">',
    )
    problems = [str(p) for p in parse("refs.bpmn", content.encode()).problems]
    assert "refs.bpmn:6: call: calls process 'nowhere', which is not in the library" in problems
    assert any(p.startswith("refs.bpmn:7: rule: uses decision 'no_table'") for p in problems)
