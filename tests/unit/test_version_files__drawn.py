"""Which processes a version's diagram draws: the process and its embedded sub-processes at any
depth (the version diff names their elements by the sub-process's id), never another process of the
same file, which has a diagram of its own or is called from elsewhere."""

from __future__ import annotations

from engine.services.version_files import drawn_processes

FILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://example.org">
  <bpmn:process id="main" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:subProcess id="review">
      <bpmn:startEvent id="review_start" />
      <bpmn:subProcess id="second_look"><bpmn:startEvent id="second_look_start" /></bpmn:subProcess>
    </bpmn:subProcess>
    <bpmn:transaction id="payment"><bpmn:startEvent id="payment_start" /></bpmn:transaction>
    <bpmn:callActivity id="call" calledElement="helper" />
  </bpmn:process>
  <bpmn:process id="helper" isExecutable="true"><bpmn:subProcess id="helper_part" /></bpmn:process>
</bpmn:definitions>"""


def test_the_process_and_its_sub_processes_at_any_depth_are_drawn():
    assert drawn_processes(FILE, "main") == {"main", "review", "second_look", "payment"}


def test_another_process_of_the_same_file_is_its_own_drawing_and_an_absent_one_draws_nothing():
    assert drawn_processes(FILE, "helper") == {"helper", "helper_part"}
    assert drawn_processes(FILE, "elsewhere") == frozenset()
