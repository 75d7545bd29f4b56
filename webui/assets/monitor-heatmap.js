/*
 * The monitor's heatmap (webui/templates/monitor/heatmap.html): a process version's diagram with,
 * on each step where live instances wait, a badge with their number and a fill from a five-step
 * colour scale (heat-1 few ... heat-5 most, relative to the busiest step). A badge links to the
 * instance list filtered to that step.
 *
 * Built by webui/assets/build.mjs into webui/static/build/monitor-heatmap.js (`make assets`).
 *
 *   <div class="monitor-heatmap" data-heatmap-url="/monitor/heatmap.json?process=trademark&version=1"
 *        data-list-url="/monitor?process=trademark&version=1"></div>
 *
 * The URL answers {"process_id", "version", "xml", "counts": {"element id": n}} (one GROUP BY on
 * the server). What the div tells afterwards (the browser tests read these):
 *   data-heatmap-ready="true"   drawn and marked
 *   data-counts="check:3 examination:1"   the steps that got a badge (ids not drawn are skipped)
 *   data-diagram-error="..."    it could not be shown; the message is in the div as text
 * No markup is built from strings (the CSP allows no inline script; text goes in by textContent).
 */

import { fetchAnswer, openDiagram, showFailure } from './diagram-viewer.js';

const LEVELS = 5;

function level(count, most) {
  return Math.max(1, Math.ceil((count / most) * LEVELS));
}

function badge(count, href) {
  const link = document.createElement('a');
  link.className = 'monitor-badge';
  link.href = href;
  link.textContent = String(count);
  link.title = count + (count === 1 ? ' instance waits here' : ' instances wait here') + ': list them';
  return link;
}

async function render(container) {
  const response = await fetchAnswer(container.getAttribute('data-heatmap-url'), 'application/json');
  const payload = await response.json().catch(() => null);
  if (!payload || typeof payload.xml !== 'string' || typeof payload.counts !== 'object') {
    throw new Error('the server did not answer with a diagram and counts.');
  }
  const viewer = await openDiagram(container, payload.xml, payload.process_id);
  const canvas = viewer.get('canvas');
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  const counts = Object.entries(payload.counts).filter(([id, n]) => registry.get(id) && Number(n) > 0);
  const most = Math.max(1, ...counts.map(([, n]) => Number(n)));
  const listUrl = new URL(container.getAttribute('data-list-url'), window.location.href);
  for (const [id, n] of counts) {
    canvas.addMarker(id, 'heat-' + level(Number(n), most));
    const href = new URL(listUrl);
    href.searchParams.set('activity', id);
    overlays.add(id, 'heat', { position: { top: -12, right: 12 }, html: badge(Number(n), href.pathname + href.search) });
  }
  container.setAttribute('data-counts', counts.map(([id, n]) => id + ':' + n).join(' '));
  container.setAttribute('data-heatmap-ready', 'true');
}

function start() {
  for (const container of document.querySelectorAll('div.monitor-heatmap[data-heatmap-url]')) {
    render(container).catch((error) => showFailure(container, error.message, 'The heatmap'));
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
