/*
 * The case diagram: a read-only BPMN viewer (bpmn-js NavigatedViewer: pan and zoom) that shows
 * where a case stands in its process, with the steps already done and the ones waiting now marked.
 *
 * Built by webui/assets/build.mjs into webui/static/build/case-diagram.js (`make assets`).
 *
 * Template usage (the macros in webui/templates/cases/_diagram_assets.html write exactly this):
 *
 *   {% from "cases/_diagram_assets.html" import diagram_head, diagram %}
 *   {% block head %}{{ diagram_head() }}{% endblock %}
 *   ...
 *   {{ diagram(url_for('cases.diagram', case_id=case.id)) }}
 *
 * which is
 *
 *   <link rel="stylesheet" href="{{ url_for('static', filename='build/diagram-js.css') }}">
 *   <link rel="stylesheet" href="{{ url_for('static', filename='build/bpmn-js.css') }}">
 *   <link rel="stylesheet" href="{{ url_for('static', filename='build/bpmn-font/css/bpmn.css') }}">
 *   <link rel="stylesheet" href="{{ url_for('static', filename='case-diagram.css') }}">
 *   <div class="case-diagram" data-diagram-url="{{ url_for('cases.diagram', case_id=case.id) }}"></div>
 *   <script src="{{ url_for('static', filename='build/case-diagram.js') }}" defer></script>
 *
 * The URL answers JSON:
 *   {"xml": "<bpmn xml>", "process_id": "trademark", "completed": ["id", ...], "current": ["id", ...]}
 *
 * What the div tells afterwards (tests and the lead's pages rely on these):
 *   data-diagram-ready="true"        the diagram is drawn and marked
 *   data-current / data-completed    the ids that were marked, space-separated (ids absent from
 *                                    the diagram are skipped, so they are not listed)
 *   data-diagram-error="<message>"   it could not be shown; the message is also in the div as text
 *
 * The page's Content-Security-Policy allows no inline script and no eval: nothing here builds
 * markup from strings, and messages go in through textContent.
 */

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

const COMPLETED = 'ipflow-completed';
const CURRENT = 'ipflow-current';

/** Say why the diagram is missing, inside its box, as plain text. */
function showFailure(container, reason) {
  container.replaceChildren();
  const message = document.createElement('p');
  message.className = 'case-diagram-message';
  message.setAttribute('role', 'alert');
  message.textContent = 'The process diagram could not be shown: ' + reason;
  container.appendChild(message);
  container.setAttribute('data-diagram-error', reason);
}

/** The case's data, or an Error whose message a person can read. */
async function fetchDiagram(url) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new Error('the server could not be reached (' + error.message + ').');
  }
  if (!response.ok) {
    // webui/errors.py answers JSON {"title", "detail"} to clients that ask: pass its sentence on.
    const detail = await response.json().then((body) => body && body.detail, () => '');
    throw new Error('the server answered ' + response.status + (detail ? ' (' + String(detail).replace(/\.$/, '') + ').' : '.'));
  }
  let payload;
  try {
    payload = await response.json();
  } catch (error) {
    throw new Error('the server did not answer with diagram data.');
  }
  if (!payload || typeof payload.xml !== 'string' || !payload.xml.trim()) {
    throw new Error('the answer holds no BPMN diagram.');
  }
  return payload;
}

/**
 * The BPMNDiagram that draws `processId` (its own plane, or a collaboration with a participant
 * for it); undefined when the first diagram (what importXML shows) is the only sensible choice.
 */
function diagramFor(definitions, processId) {
  const diagrams = (definitions && definitions.diagrams) || [];
  return diagrams.find((candidate) => {
    const shown = candidate.plane && candidate.plane.bpmnElement;
    if (!shown || !processId) {
      return false;
    }
    if (shown.$type === 'bpmn:Process') {
      return shown.id === processId;
    }
    return (shown.participants || []).some((participant) => participant.processRef && participant.processRef.id === processId);
  });
}

/** Add `marker` to every id the diagram has; returns the ids that were marked. */
function mark(viewer, ids, marker) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const marked = [];
  for (const id of Array.isArray(ids) ? ids : []) {
    if (typeof id === 'string' && registry.get(id)) {
      canvas.addMarker(id, marker);
      marked.push(id);
    }
  }
  return marked;
}

async function render(container) {
  const url = container.getAttribute('data-diagram-url');
  if (!url) {
    showFailure(container, 'the page did not say where the diagram is (data-diagram-url).');
    return;
  }
  let payload;
  try {
    payload = await fetchDiagram(url);
  } catch (error) {
    showFailure(container, error.message);
    return;
  }

  container.replaceChildren();
  const viewer = new NavigatedViewer({ container });
  try {
    await viewer.importXML(payload.xml);
    const wanted = diagramFor(viewer.getDefinitions(), payload.process_id);
    const first = viewer.getDefinitions().diagrams[0];
    if (wanted && wanted !== first) {
      await viewer.open(wanted);
    }
  } catch (error) {
    viewer.destroy();
    showFailure(container, 'the BPMN file could not be read (' + error.message + ').');
    return;
  }

  const canvas = viewer.get('canvas');
  const fitted = canvas.zoom('fit-viewport');
  const completed = mark(viewer, payload.completed, COMPLETED);
  const current = mark(viewer, payload.current, CURRENT);
  if (current.length && fitted < READABLE) {
    centreOn(canvas, viewer.get('elementRegistry').get(current[0]));
  }
  container.setAttribute('data-completed', completed.join(' '));
  container.setAttribute('data-current', current.join(' '));
  container.setAttribute('data-diagram-ready', 'true');
}

// A wide process fitted into the box is too small to read: then centre the first current step at
// a readable scale (people pan and zoom for the rest).
const READABLE = 0.75;

function centreOn(canvas, element) {
  const outer = canvas.viewbox().outer;
  canvas.viewbox({
    x: element.x + element.width / 2 - outer.width / (2 * READABLE),
    y: element.y + element.height / 2 - outer.height / (2 * READABLE),
    width: outer.width / READABLE,
    height: outer.height / READABLE,
  });
}

function start() {
  for (const container of document.querySelectorAll('div.case-diagram[data-diagram-url]')) {
    // The script may be included once per diagram on a page: draw each box once.
    if (container.hasAttribute('data-diagram-started')) {
      continue;
    }
    container.setAttribute('data-diagram-started', 'true');
    render(container).catch((error) => showFailure(container, 'an unexpected error (' + error.message + ').'));
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
