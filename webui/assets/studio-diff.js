/*
 * The studio's version diff (webui/templates/studio/diff.html): both versions' diagrams drawn by
 * bpmn-js, the old one with removed elements red and changed ones amber, the new one with added
 * elements green and changed ones amber; a row of the lists, clicked, selects its element on the
 * diagrams that draw it and brings it into view.
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-diff.js (`make assets`).
 *
 * The page writes, per diagram:
 *   <div class="studio-diff-diagram" data-side="old" data-xml-url="…/versions/1.bpmn"
 *        data-process-id="trademark" data-what="Version 1's diagram"
 *        data-removed="id id" data-changed="id id"></div>          (the new side: data-added, data-changed)
 *   <ul class="studio-diff-legend" data-side="old"> … <span data-count="removed">2</span> … </ul>
 * and per row of the lists that has an element on a diagram:
 *   <tr class="studio-diff-row" data-element-id="examination" data-sides="old new"> … </tr>
 *
 * What a diagram's div tells afterwards (the browser tests read these):
 *   data-diagram-ready="true"                 drawn and marked
 *   data-marked-added / -removed / -changed   the ids marked (ids the diagram does not draw are skipped)
 *   data-diagram-error="<message>"            it could not be shown; the message is in the div too
 * A clicked row gets aria-current="true" (and its element is selected on the diagrams).
 */

import { READABLE, bringIntoView, fetchAnswer, mark, openDiagram, showFailure } from './diagram-viewer.js';

const KINDS = ['added', 'removed', 'changed'];

/** The viewer of one side, drawn and marked; undefined when it could not be shown (it says why). */
async function draw(container) {
  const what = container.dataset.what || 'The diagram';
  try {
    const response = await fetchAnswer(container.dataset.xmlUrl, 'application/xml, application/json;q=0.9');
    const viewer = await openDiagram(container, await response.text(), container.dataset.processId);
    let first;
    for (const kind of KINDS) {
      if (container.dataset[kind] === undefined) {
        continue;
      }
      const marked = mark(viewer, container.dataset[kind].split(' ').filter(Boolean), 'ipflow-diff-' + kind);
      container.setAttribute('data-marked-' + kind, marked.join(' '));
      first = first || marked[0];
      const count = document.querySelector(`.studio-diff-legend[data-side="${container.dataset.side}"] [data-count="${kind}"]`);
      if (count) {
        count.textContent = String(marked.length);
      }
    }
    // A wide process fitted into the box is too small to read: start at the first change instead.
    if (first && viewer.get('canvas').zoom() < READABLE) {
      bringIntoView(viewer, viewer.get('elementRegistry').get(first));
    }
    container.setAttribute('data-diagram-ready', 'true');
    return viewer;
  } catch (error) {
    showFailure(container, error.message, what);
    return undefined;
  }
}

/** Select the row's element on every drawn diagram that has it, and bring it into view there. */
async function show(row, viewers) {
  for (const other of document.querySelectorAll('.studio-diff-row[aria-current="true"]')) {
    other.removeAttribute('aria-current');
  }
  row.setAttribute('aria-current', 'true');
  const id = row.dataset.elementId;
  let first;
  for (const side of (row.dataset.sides || '').split(' ').filter(Boolean)) {
    const viewer = await viewers.get(side);
    const element = viewer && viewer.get('elementRegistry').get(id);
    if (!element) {
      continue;
    }
    bringIntoView(viewer, element);
    viewer.get('selection').select(element);
    first = first || document.querySelector(`.studio-diff-diagram[data-side="${side}"]`);
  }
  if (first) {
    first.scrollIntoView({ block: 'nearest' });
  }
}

function start() {
  const viewers = new Map();
  for (const container of document.querySelectorAll('.studio-diff-diagram[data-xml-url]')) {
    viewers.set(container.dataset.side, draw(container));
  }
  for (const row of document.querySelectorAll('.studio-diff-row[data-element-id]')) {
    row.addEventListener('click', () => show(row, viewers));
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
