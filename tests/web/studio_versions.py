"""A version 2 of the trademark process for the studio's diff and migration pages: the absolute
grounds examination relabelled, and a new script task (drawn on the diagram) noting that nobody
opposed, between closing the opposition period and registering the mark. Deployed from a copy of
the office's library (tests/library_editing.py); the real bpmn/ folder is never written to."""

from __future__ import annotations

from pathlib import Path

from engine.container import Ipflow
from library_editing import copy_library, edit, office_root, redeploy

RELABELLED = "Examine the absolute grounds"
ADDED = "note_lapse"
LAPSED_FLOW = (
    '<bpmn:sequenceFlow id="flow_opposition_lapsed_register_mark" sourceRef="opposition_lapsed" targetRef="register_mark" />'
)
LAPSED_EDGE = '<di:waypoint x="4270" y="670" /><di:waypoint x="4630" y="670" /></bpmndi:BPMNEdge>'
ADDED_TASK = (
    f'<bpmn:scriptTask id="{ADDED}" name="Note that nobody opposed"><bpmn:incoming>flow_opposition_lapsed_register_mark</bpmn:incoming>'
    "<bpmn:outgoing>flow_note_lapse_register_mark</bpmn:outgoing><bpmn:script>unopposed = True</bpmn:script></bpmn:scriptTask>\n"
    '    <bpmn:serviceTask id="register_mark" name="Register the mark">'
)
ADDED_SHAPE = (
    f'<bpmndi:BPMNShape id="{ADDED}_di" bpmnElement="{ADDED}"><dc:Bounds x="4400" y="630" width="100" height="80" /></bpmndi:BPMNShape>\n'
    '      <bpmndi:BPMNEdge id="flow_note_lapse_register_mark_di" bpmnElement="flow_note_lapse_register_mark">'
    '<di:waypoint x="4500" y="670" /><di:waypoint x="4630" y="670" /></bpmndi:BPMNEdge>\n'
    '      <bpmndi:BPMNShape id="register_mark_di" bpmnElement="register_mark">'
)


def deploy_trademark_version_2(ipflow: Ipflow, root: Path) -> Ipflow:
    """Deploy the changed trademark process as version 2 (from a library copied below `root`);
    returns an Ipflow on the same database that runs the copied library."""
    library = copy_library(root)
    office = office_root(ipflow, library, ipflow.operators)
    path = library / "bpmn" / "trademark" / "trademark.bpmn"
    edit(path, 'name="Examine absolute grounds"', f'name="{RELABELLED}"')
    edit(
        path,
        LAPSED_FLOW,
        LAPSED_FLOW.replace('targetRef="register_mark"', f'targetRef="{ADDED}"')
        + f'\n    <bpmn:sequenceFlow id="flow_note_lapse_register_mark" sourceRef="{ADDED}" targetRef="register_mark" />',
    )
    edit(
        path,
        "<bpmn:incoming>flow_opposition_lapsed_register_mark</bpmn:incoming>\n      <bpmn:outgoing>flow_register_mark",
        "<bpmn:incoming>flow_note_lapse_register_mark</bpmn:incoming>\n      <bpmn:outgoing>flow_register_mark",
    )
    edit(path, '<bpmn:serviceTask id="register_mark" name="Register the mark">', ADDED_TASK)
    edit(
        path,
        "<bpmn:flowNodeRef>opposition_lapsed</bpmn:flowNodeRef>",
        f"<bpmn:flowNodeRef>opposition_lapsed</bpmn:flowNodeRef>\n        <bpmn:flowNodeRef>{ADDED}</bpmn:flowNodeRef>",
    )
    edit(path, '<bpmndi:BPMNShape id="register_mark_di" bpmnElement="register_mark">', ADDED_SHAPE)
    edit(path, LAPSED_EDGE, LAPSED_EDGE.replace('x="4630"', 'x="4400"'))
    assert redeploy(office, "trademark") == 2
    return office
