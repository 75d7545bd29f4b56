/*
 * The studio's BPMN editor: the bpmn-js Modeler with its properties panel (the standard groups and
 * ipflow's, studio-bpmn-properties.js), the spiffworkflow moddle extension so our extension
 * elements load, edit and save unchanged, and bpmnlint's recommended rules (the lint button at the
 * bottom left of the canvas shows or hides their overlays).
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-bpmn.js and studio-bpmn.css;
 * the page is webui/templates/studio/editor.html, the load/save/problems logic studio-page.js.
 */

import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';
// Generated at build time from bpmnlint's `recommended` config (see build.mjs: bpmnlintConfigPlugin).
import bpmnlintConfig from 'bpmnlint-config:recommended';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import '@bpmn-io/properties-panel/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';

import spiffworkflowModdle from './spiffworkflow-moddle.json';
import { ipflowPropertiesModule } from './studio-bpmn-properties.js';
import { importXML, savedXML, startStudio } from './studio-page.js';

const PROBLEM_MARKER = 'studio-has-problem';
// Below this scale task names cannot be read: a long process then opens at its start, at this scale.
const READABLE = 0.75;

/** Fit the diagram in the box, or, when that makes it unreadably small, show its left end. */
function showReadably(canvas) {
  const fitted = canvas.zoom('fit-viewport');
  if (fitted >= READABLE) {
    return;
  }
  const { inner, outer } = canvas.viewbox();
  // Room on the left for the palette, which floats over the canvas.
  const margin = 40;
  const palette = 120;
  canvas.viewbox({
    x: inner.x - (margin + palette) / READABLE,
    y: inner.y - margin,
    width: outer.width / READABLE,
    height: outer.height / READABLE,
  });
}

function part(className) {
  const element = document.createElement('div');
  element.className = className;
  return element;
}

function bpmnEditor() {
  let modeler = null;
  let marked = [];

  return {
    async open(host, xml, catalog) {
      const layout = part('studio-bpmn');
      const canvas = part('studio-canvas');
      const properties = part('studio-properties');
      properties.setAttribute('aria-label', 'Properties of the selected element');
      layout.append(canvas, properties);
      host.replaceChildren(layout);

      modeler = new BpmnModeler({
        container: canvas,
        // General (name, id) is open from the start; our groups open themselves (shouldOpen).
        propertiesPanel: { parent: properties, layout: { groups: { general: { open: true } } } },
        linting: { bpmnlint: bpmnlintConfig, active: true },
        additionalModules: [
          BpmnPropertiesPanelModule,
          BpmnPropertiesProviderModule,
          ipflowPropertiesModule(catalog),
          lintModule,
        ],
        moddleExtensions: { spiffworkflow: spiffworkflowModdle },
      });
      await importXML(modeler, host, xml, 'BPMN').catch((error) => {
        modeler = null;
        throw error;
      });
      showReadably(modeler.get('canvas'));
    },

    content() {
      return savedXML(modeler);
    },

    onChange(callback) {
      modeler.on('commandStack.changed', (event) => {
        if (event.trigger !== 'clear') {
          callback();
        }
      });
    },

    has(elementId) {
      return Boolean(modeler && modeler.get('elementRegistry').get(elementId));
    },

    reveal(elementId) {
      const element = modeler.get('elementRegistry').get(elementId);
      if (!element) {
        return;
      }
      const canvas = modeler.get('canvas');
      // An element inside a collapsed sub-process is drawn on that sub-process's own plane.
      const root = canvas.findRoot(element);
      if (root && root !== canvas.getRootElement()) {
        canvas.setRootElement(root);
      }
      modeler.get('selection').select(element);
      canvas.scrollToElement(element);
    },

    markProblems(elementIds) {
      const canvas = modeler.get('canvas');
      for (const id of marked) {
        canvas.removeMarker(id, PROBLEM_MARKER);
      }
      marked = elementIds.filter((id, index) => elementIds.indexOf(id) === index);
      for (const id of marked) {
        canvas.addMarker(id, PROBLEM_MARKER);
      }
    },
  };
}

startStudio('bpmn', bpmnEditor());
