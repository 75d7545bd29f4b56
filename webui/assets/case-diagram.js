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
 * markup from strings, and messages go in through textContent. The viewer itself, the fetch and
 * the marking are shared with the studio's version diff (diagram-viewer.js).
 */

import { READABLE, bringIntoView, fetchAnswer, mark, openDiagram, showFailure } from './diagram-viewer.js';

const COMPLETED = 'ipflow-completed';
const CURRENT = 'ipflow-current';

/** The case's data, or an Error whose message a person can read. */
async function fetchDiagram(url) {
  const response = await fetchAnswer(url, 'application/json');
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

  let viewer;
  try {
    viewer = await openDiagram(container, payload.xml, payload.process_id);
  } catch (error) {
    showFailure(container, error.message);
    return;
  }

  const completed = mark(viewer, payload.completed, COMPLETED);
  const current = mark(viewer, payload.current, CURRENT);
  if (current.length && viewer.get('canvas').zoom() < READABLE) {
    bringIntoView(viewer, viewer.get('elementRegistry').get(current[0]));
  }
  container.setAttribute('data-completed', completed.join(' '));
  container.setAttribute('data-current', current.join(' '));
  container.setAttribute('data-diagram-ready', 'true');
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
