/*
 * The studio's form editor: the form-js Editor on the form's JSON schema, and beside it a live
 * preview (the form-js Form viewer, the same library the schema is written for) redrawn after each
 * edit. A problem names a component by id or key: clicking it selects that component in the
 * editor and scrolls to it.
 *
 * Saved text is the schema as JSON, indented by two spaces, with a final newline, its keys in the
 * order the file had them (form-js rebuilds every component with its own key order): the library's
 * files are written that way, so a save shows in a diff as what the analyst changed, nothing more.
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-form.js and studio-form.css;
 * the page is webui/templates/studio/editor.html, the load/save/problems logic studio-page.js.
 */

import { Form, FormEditor } from '@bpmn-io/form-js';

import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js/dist/assets/properties-panel.css';

import { startStudio } from './studio-page.js';

function part(tag, className) {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}

/** The editor's form field with this id, or else the first whose key is `name`. */
function fieldNamed(editor, name) {
  const registry = editor.get('formFieldRegistry');
  return registry.get(name) || registry.getAll().find((field) => field.key === name && field.type !== 'default');
}

/**
 * `value` with the keys of every object in the order `like` has them (keys `like` lacks come last);
 * arrays are matched item by item by id where items have one, else by position.
 */
function orderedLike(value, like) {
  if (Array.isArray(value)) {
    const previous = Array.isArray(like) ? like : [];
    return value.map((item, index) => {
      const id = item && typeof item === 'object' ? item.id : undefined;
      const match = id !== undefined ? previous.find((candidate) => candidate && candidate.id === id) : previous[index];
      return orderedLike(item, match);
    });
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const model = like && typeof like === 'object' && !Array.isArray(like) ? like : {};
  const ordered = {};
  for (const key of [...Object.keys(model), ...Object.keys(value)]) {
    if (key in value && !(key in ordered)) {
      ordered[key] = orderedLike(value[key], model[key]);
    }
  }
  return ordered;
}

function formEditor() {
  let editor = null;
  let lastSaved = null;
  let preview = null;
  let previewBox = null;
  let editorBox = null;
  const listeners = [];

  /** Redraw the preview from the editor's schema; a schema the viewer refuses is said in words. */
  async function refreshPreview() {
    const schema = editor.saveSchema();
    try {
      await preview.importSchema(schema, {});
      previewBox.removeAttribute('data-preview-error');
    } catch (error) {
      previewBox.setAttribute('data-preview-error', error.message);
    }
    previewBox.setAttribute('data-preview-fields', String(countFields(schema)));
  }

  return {
    async open(host, text) {
      let schema;
      try {
        schema = JSON.parse(text);
        lastSaved = JSON.parse(text);
      } catch (error) {
        throw new Error('the form file is not valid JSON (' + error.message + ').');
      }
      const layout = part('div', 'studio-form');
      editorBox = part('div', 'studio-form-editor');
      previewBox = part('section', 'studio-form-preview');
      const heading = part('h2', 'studio-form-preview-title');
      heading.textContent = 'Preview';
      const previewForm = part('div', 'studio-form-preview-form');
      previewBox.append(heading, previewForm);
      previewBox.setAttribute('aria-label', 'Preview of the form');
      layout.append(editorBox, previewBox);
      host.replaceChildren(layout);

      editor = new FormEditor({ container: editorBox });
      preview = new Form({ container: previewForm });
      try {
        await editor.importSchema(schema);
      } catch (error) {
        editor.destroy();
        preview.destroy();
        host.replaceChildren();
        throw new Error('the form could not be read (' + error.message + ').');
      }
      await refreshPreview();
      // Each edit redraws the preview; edits that come fast are drawn once, in order.
      let drawing = Promise.resolve();
      editor.on('commandStack.changed', (event) => {
        if (event.trigger === 'clear') {
          return;
        }
        drawing = drawing.then(refreshPreview);
        listeners.forEach((callback) => callback());
      });
    },

    async content() {
      const schema = orderedLike(editor.saveSchema(), lastSaved);
      // The order of a later save follows this one (what the server now holds, if it takes it).
      lastSaved = schema;
      return JSON.stringify(schema, null, 2) + '\n';
    },

    onChange(callback) {
      listeners.push(callback);
    },

    has(elementId) {
      return Boolean(editor && fieldNamed(editor, elementId));
    },

    reveal(elementId) {
      const field = fieldNamed(editor, elementId);
      if (!field) {
        return;
      }
      editor.get('selection').set(field);
      const shown = editorBox.querySelector('.fjs-element[data-id="' + CSS.escape(field.id) + '"]');
      if (shown) {
        shown.scrollIntoView({ block: 'center', inline: 'nearest' });
      }
    },
  };
}

/** How many components the schema has that the viewer draws (nested ones included). */
function countFields(schema) {
  let count = 0;
  const walk = (components) => {
    for (const component of components || []) {
      count += 1;
      walk(component.components);
    }
  };
  walk(schema && schema.components);
  return count;
}

startStudio('form', formEditor());
