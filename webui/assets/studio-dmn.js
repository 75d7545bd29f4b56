/*
 * The studio's DMN editor: the dmn-js Modeler (decision tables, literal expressions and the
 * decision requirements diagram), one tab per view. A problem names a decision or something inside
 * one (an input, an output, a rule, a cell): clicking it opens that decision's table and scrolls to
 * the rule or cell when the table shows it.
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-dmn.js and studio-dmn.css;
 * the page is webui/templates/studio/editor.html, the load/save/problems logic studio-page.js.
 */

import DmnModeler from 'dmn-js/lib/Modeler';

import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';

import { importXML, savedXML, startStudio } from './studio-page.js';

const VIEW_NAMES = {
  drd: 'Decision requirements',
  decisionTable: 'decision table',
  literalExpression: 'literal expression',
  boxedExpression: 'boxed expression',
};

function viewLabel(view) {
  if (view.type === 'drd') {
    return VIEW_NAMES.drd;
  }
  return (view.element.name || view.element.id) + ' (' + (VIEW_NAMES[view.type] || view.type) + ')';
}

/** Every id inside a moddle element (its own, its children's …), for mapping problems to decisions. */
function collectIds(element, into, seen = new Set()) {
  if (!element || typeof element !== 'object' || seen.has(element)) {
    return into;
  }
  seen.add(element);
  if (typeof element.id === 'string') {
    into.add(element.id);
  }
  for (const descriptor of (element.$descriptor && element.$descriptor.properties) || []) {
    if (descriptor.isReference || descriptor.isAttr || descriptor.name === 'di') {
      continue;
    }
    const value = element.get(descriptor.name);
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && child.$descriptor) {
        collectIds(child, into, seen);
      }
    }
  }
  return into;
}

function dmnEditor() {
  let modeler = null;
  let tabs = null;
  let canvas = null;
  const listeners = [];
  const watched = new Set();

  /** The view of the decision that holds `elementId` (a decision table, not the diagram). */
  function viewFor(elementId) {
    const views = modeler.getViews().filter((view) => view.type !== 'drd');
    return views.find((view) => view.element.id === elementId) || views.find((view) => collectIds(view.element, new Set()).has(elementId));
  }

  function watch(viewer) {
    if (watched.has(viewer)) {
      return;
    }
    watched.add(viewer);
    viewer.get('eventBus').on('commandStack.changed', (event) => {
      if (event.trigger !== 'clear') {
        listeners.forEach((callback) => callback());
      }
    });
  }

  function drawTabs(views, activeView) {
    tabs.replaceChildren();
    for (const view of views) {
      const tab = document.createElement('button');
      tab.type = 'button';
      tab.className = 'studio-dmn-tab';
      tab.textContent = viewLabel(view);
      tab.setAttribute('data-view-id', view.element.id);
      if (activeView && view.element === activeView.element) {
        tab.setAttribute('aria-current', 'true');
      }
      tab.addEventListener('click', () => modeler.open(view));
      tabs.appendChild(tab);
    }
  }

  return {
    async open(host, xml) {
      tabs = document.createElement('nav');
      tabs.className = 'studio-dmn-tabs';
      tabs.setAttribute('aria-label', 'Views of the file');
      canvas = document.createElement('div');
      canvas.className = 'studio-canvas studio-dmn-canvas';
      host.replaceChildren(tabs, canvas);

      modeler = new DmnModeler({ container: canvas });
      modeler.on('viewer.created', ({ viewer }) => watch(viewer));
      modeler.on('views.changed', ({ views, activeView }) => {
        drawTabs(views, activeView);
        host.setAttribute('data-active-view', activeView ? activeView.element.id : '');
      });
      await importXML(modeler, host, xml, 'DMN').catch((error) => {
        modeler = null;
        throw error;
      });
    },

    content() {
      return savedXML(modeler);
    },

    onChange(callback) {
      listeners.push(callback);
    },

    has(elementId) {
      return Boolean(modeler && viewFor(elementId));
    },

    async reveal(elementId) {
      const view = viewFor(elementId);
      if (!view) {
        return;
      }
      const active = modeler.getActiveView();
      if (!active || active.element !== view.element) {
        await modeler.open(view);
      }
      const escaped = CSS.escape(elementId);
      const target = canvas.querySelector('[data-row-id="' + escaped + '"], [data-element-id="' + escaped + '"], [data-col-id="' + escaped + '"]');
      if (target) {
        target.scrollIntoView({ block: 'center', inline: 'nearest' });
      }
    },
  };
}

startStudio('dmn', dmnEditor());
