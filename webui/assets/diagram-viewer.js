/*
 * What our read-only BPMN diagrams share (the case diagram, case-diagram.js, and the studio's version
 * diff, studio-diff.js): fetching a file with a readable failure, drawing it in a bpmn-js
 * NavigatedViewer on the diagram of the wanted process, marking elements, and bringing one into
 * view at a readable scale. Each page bundles this module (esbuild), so nothing is loaded twice.
 *
 * The pages' Content-Security-Policy allows no inline script and no eval: nothing here builds
 * markup from strings, and messages go in through textContent.
 */

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

// A wide process fitted into its box is too small to read: an element brought into view is shown
// at this scale at least (people pan and zoom for the rest).
export const READABLE = 0.75;

/** Say why a diagram is missing, inside its box, as plain text; `what` names the diagram. */
export function showFailure(container, reason, what = 'The process diagram') {
  container.replaceChildren();
  const message = document.createElement('p');
  message.className = 'case-diagram-message';
  message.setAttribute('role', 'alert');
  message.textContent = what + ' could not be shown: ' + reason;
  container.appendChild(message);
  container.setAttribute('data-diagram-error', reason);
}

/** The server's answer to a GET of `url`, or an Error whose message a person can read. */
export async function fetchAnswer(url, accept) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { Accept: accept } });
  } catch (error) {
    throw new Error('the server could not be reached (' + error.message + ').');
  }
  if (!response.ok) {
    // webui/errors.py answers JSON {"title", "detail"} to clients that ask: pass its sentence on.
    const detail = await response.json().then((body) => body && body.detail, () => '');
    throw new Error('the server answered ' + response.status + (detail ? ' (' + String(detail).replace(/\.$/, '') + ').' : '.'));
  }
  return response;
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

/**
 * A viewer in `container` showing `xml` on the diagram of `processId`, fitted into the box.
 * Throws an Error a person can read when the file cannot be drawn.
 */
export async function openDiagram(container, xml, processId) {
  container.replaceChildren();
  const viewer = new NavigatedViewer({ container });
  try {
    await viewer.importXML(xml);
    const wanted = diagramFor(viewer.getDefinitions(), processId);
    if (wanted && wanted !== viewer.getDefinitions().diagrams[0]) {
      await viewer.open(wanted);
    }
  } catch (error) {
    viewer.destroy();
    throw new Error('the BPMN file could not be read (' + error.message + ').');
  }
  viewer.get('canvas').zoom('fit-viewport');
  return viewer;
}

/** Add `marker` to every id the diagram has; returns the ids that were marked (others are skipped). */
export function mark(viewer, ids, marker) {
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

/**
 * Show `element` in the middle of the box at a readable scale: on its own plane (a collapsed
 * sub-process's inside is drawn on one), zoomed in if the whole diagram was fitted too small.
 */
export function bringIntoView(viewer, element) {
  const canvas = viewer.get('canvas');
  const root = canvas.findRoot(element);
  if (root && root !== canvas.getRootElement()) {
    canvas.setRootElement(root);
  }
  const scale = Math.max(canvas.zoom(), READABLE);
  const outer = canvas.viewbox().outer;
  canvas.viewbox({
    x: element.x + (element.width || 0) / 2 - outer.width / (2 * scale),
    y: element.y + (element.height || 0) / 2 - outer.height / (2 * scale),
    width: outer.width / scale,
    height: outer.height / scale,
  });
}
