/*
 * The studio editor page, whatever the file kind: load the file (and the catalog), hand it to an
 * editor, save it back with the hash it was loaded with, list the server's problems, and warn
 * before leaving with unsaved changes. studio-bpmn.js, studio-dmn.js, studio-form.js and
 * studio-letter.js each bring the editor; webui/templates/studio/editor.html writes the page.
 *
 * The page (see webui/templates/studio/_editor_assets.html):
 *   <div id="studio-editor" data-kind="bpmn" data-file-url="…" data-save-url="…"
 *        data-catalog-url="…" data-csrf-token="…"></div>
 *   <button id="studio-save">, <p id="studio-status">, <ul id="studio-problems">
 *
 * The server:
 *   GET  file url    {"path", "kind", "content", "sha256", "problems": [{"file", "line", "element_id", "message"}]}
 *   POST save url    {"content", "expected_sha256"} with header X-CSRFToken
 *                    200 {"sha256", "problems"}; 409 {"title", "detail"} (saved by someone else
 *                    meanwhile: the analyst's work stays in the editor); 400 {"title", "detail", "errors"}
 *   GET  catalog url {"operators": [{"name", "parameters"}], "roles", "forms", "processes"}
 *
 * What #studio-editor tells afterwards (tests rely on these):
 *   data-state     loading | ready | saving | failed (the file could not be opened)
 *   data-dirty     "true" while there are changes not saved
 *   data-sha256    the hash of the version the editor holds
 *
 * An editor is an object with
 *   open(host, content, catalog) -> Promise   shows `content`; throws an Error a person can read
 *   content() -> Promise<string>               what to save
 *   onChange(callback)                         callback() after each edit by the analyst
 *   has(elementId, problem) -> boolean         whether a problem's element can be shown (the letter
 *                                              editor shows a problem's line: it reads `problem`)
 *   reveal(elementId, problem)                 select it and scroll it into view
 *   markProblems(elementIds)                   (optional) flag the elements that have problems
 *
 * No markup is built from strings: server text goes in through textContent (the CSP allows no
 * inline script; this keeps problem messages inert too).
 */

const JSON_HEADERS = { Accept: 'application/json' };

/** The answer's JSON body, or null when it has none. */
async function bodyOf(response) {
  try {
    return await response.json();
  } catch (error) {
    return null;
  }
}

/** Why a request failed, in a sentence (webui/errors.py answers {"title", "detail"}). */
function explain(response, body) {
  const detail = body && (body.detail || body.title);
  return 'the server answered ' + response.status + (detail ? ': ' + String(detail) : '.');
}

async function getJSON(url) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: JSON_HEADERS });
  } catch (error) {
    throw new Error('the server could not be reached (' + error.message + ').');
  }
  const body = await bodyOf(response);
  if (!response.ok) {
    throw new Error(explain(response, body));
  }
  if (!body || typeof body !== 'object') {
    throw new Error('the server did not answer with JSON.');
  }
  return body;
}

/** The field errors of a 400 answer ({"field": ["message", …]}) as sentences. */
function fieldErrors(errors) {
  if (!errors || typeof errors !== 'object') {
    return [];
  }
  return Object.entries(errors).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map((message) => field + ': ' + message),
  );
}

/** Whether a problem's file is the open one (the server may name it from another root). */
function isSameFile(file, path) {
  if (!file || !path || file === path) {
    return true;
  }
  return file.endsWith('/' + path) || path.endsWith('/' + file);
}

function pluralProblems(count) {
  return count === 1 ? '1 problem' : count + ' problems';
}

class StudioPage {
  constructor(root, editor) {
    this.root = root;
    this.editor = editor;
    this.kind = root.dataset.kind;
    this.fileUrl = root.dataset.fileUrl;
    this.saveUrl = root.dataset.saveUrl;
    this.catalogUrl = root.dataset.catalogUrl;
    this.csrfToken = root.dataset.csrfToken;
    this.saveButton = document.getElementById('studio-save');
    this.status = document.getElementById('studio-status');
    this.problemList = document.getElementById('studio-problems');
    this.sha256 = null;
    this.path = '';
    this.dirty = false;
    this.saving = false;
    // Counts edits, so an edit made while a save is on its way stays unsaved after the answer.
    this.edits = 0;
  }

  setState(state) {
    this.root.setAttribute('data-state', state);
  }

  say(text, tone) {
    if (!this.status) {
      return;
    }
    this.status.textContent = text;
    this.status.className = 'studio-status' + (tone ? ' studio-status-' + tone : '');
  }

  setDirty(dirty) {
    this.dirty = dirty;
    this.root.setAttribute('data-dirty', dirty ? 'true' : 'false');
    if (dirty && !this.saving) {
      this.say('Unsaved changes.', 'dirty');
    }
    this.updateButton();
  }

  updateButton() {
    if (this.saveButton) {
      this.saveButton.disabled = this.saving || this.sha256 === null;
    }
  }

  async start() {
    this.setState('loading');
    this.setDirty(false);
    let file;
    let catalog = {};
    try {
      const wantCatalog = this.kind === 'bpmn' && this.catalogUrl;
      [file, catalog] = await Promise.all([
        getJSON(this.fileUrl),
        wantCatalog ? getJSON(this.catalogUrl).catch((error) => ({ failed: error.message })) : {},
      ]);
      if (typeof file.content !== 'string') {
        throw new Error('the answer holds no file content.');
      }
    } catch (error) {
      this.fail('The file could not be loaded: ' + error.message);
      return;
    }
    this.path = file.path || '';
    try {
      await this.editor.open(this.root, file.content, catalog);
    } catch (error) {
      this.fail('The file could not be opened in the editor: ' + error.message);
      return;
    }
    this.sha256 = file.sha256 || '';
    this.root.setAttribute('data-sha256', this.sha256);
    this.editor.onChange(() => {
      this.edits += 1;
      this.setDirty(true);
    });
    if (this.saveButton) {
      this.saveButton.addEventListener('click', () => this.save());
    }
    // Ctrl+S / Cmd+S saves here rather than offering to save the page as HTML.
    document.addEventListener('keydown', (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        this.save();
      }
    });
    window.addEventListener('beforeunload', (event) => {
      if (this.dirty) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
    this.showProblems(file.problems);
    const problems = Array.isArray(file.problems) ? file.problems.length : 0;
    let opened = problems ? 'Opened — ' + pluralProblems(problems) + ' (listed below).' : 'Opened — no problems.';
    if (catalog && catalog.failed) {
      opened += ' The lists of forms, roles, operators and processes could not be loaded (' + catalog.failed + ').';
    }
    this.say(opened, problems || (catalog && catalog.failed) ? 'problems' : 'ok');
    this.setState('ready');
    this.updateButton();
  }

  fail(message) {
    this.setState('failed');
    this.say(message, 'error');
    this.root.setAttribute('data-error', message);
    // In the box too, in place of the "editor could not be started" placeholder, which would mislead.
    const shown = document.createElement('p');
    shown.className = 'studio-failure';
    shown.setAttribute('role', 'alert');
    shown.textContent = message;
    this.root.replaceChildren(shown);
    this.updateButton();
  }

  async save() {
    if (this.saving || this.sha256 === null) {
      return;
    }
    // Ctrl+S in a field still being typed in: some fields commit their value only when left (the
    // properties panels flush on Ctrl+key themselves). Leave the field so the save has it all; the
    // canvas keeps its focus (and its keyboard shortcuts).
    const active = document.activeElement;
    if (active && this.root.contains(active) && active.matches('input, textarea, select, [contenteditable="true"]')) {
      active.blur();
    }
    this.saving = true;
    this.updateButton();
    this.setState('saving');
    this.say('Saving…');
    try {
      const edits = this.edits;
      await this.send(await this.editor.content(), edits);
    } catch (error) {
      this.say('Not saved: ' + error.message + ' Your changes are still here.', 'error');
    } finally {
      this.saving = false;
      this.setState('ready');
      this.updateButton();
    }
  }

  async send(content, edits) {
    let response;
    try {
      response = await fetch(this.saveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { ...JSON_HEADERS, 'Content-Type': 'application/json', 'X-CSRFToken': this.csrfToken },
        body: JSON.stringify({ content, expected_sha256: this.sha256 }),
      });
    } catch (error) {
      throw new Error('the server could not be reached (' + error.message + ').');
    }
    const body = await bodyOf(response);
    if (response.status === 409) {
      const detail = (body && (body.detail || body.title)) || 'someone else saved this file meanwhile.';
      this.say(
        'Not saved: ' + detail + ' Your changes are still here: copy what you need, then reload the page to start from the saved version.',
        'error',
      );
      return;
    }
    if (!response.ok || !body) {
      const errors = fieldErrors(body && body.errors);
      throw new Error(explain(response, body) + (errors.length ? ' ' + errors.join('; ') + '.' : ''));
    }
    this.sha256 = body.sha256 || '';
    this.root.setAttribute('data-sha256', this.sha256);
    this.setDirty(this.edits !== edits);
    this.showProblems(body.problems);
    const problems = Array.isArray(body.problems) ? body.problems.length : 0;
    this.say(problems ? 'Saved — ' + pluralProblems(problems) + ' (listed below).' : 'Saved — no problems', problems ? 'problems' : 'ok');
  }

  showProblems(problems) {
    const list = Array.isArray(problems) ? problems : [];
    const shown = [];
    this.problemList.replaceChildren();
    for (const problem of list) {
      const item = document.createElement('li');
      const elementId = problem && typeof problem.element_id === 'string' ? problem.element_id : '';
      const where = [isSameFile(problem.file, this.path) ? '' : problem.file, problem.line ? 'line ' + problem.line : '']
        .filter(Boolean)
        .join(', ');
      const text = (elementId ? elementId + ': ' : '') + String(problem.message || '') + (where ? ' (' + where + ')' : '');
      const sameFile = isSameFile(problem.file, this.path);
      if (elementId && sameFile && this.editor.has(elementId, problem)) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'studio-problem-link';
        button.setAttribute('data-element-id', elementId);
        button.textContent = text;
        button.addEventListener('click', () => this.editor.reveal(elementId, problem));
        item.appendChild(button);
        shown.push(elementId);
      } else {
        item.className = 'studio-problem-unlinked';
        item.textContent = text;
      }
      this.problemList.appendChild(item);
    }
    if (!list.length) {
      const none = document.createElement('li');
      none.className = 'studio-problem-none';
      none.textContent = 'No problems.';
      this.problemList.appendChild(none);
    }
    this.problemList.setAttribute('data-count', String(list.length));
    if (this.editor.markProblems) {
      this.editor.markProblems(shown);
    }
  }
}

/**
 * Read a file into a freshly made bpmn-js or dmn-js modeler. When it cannot be read the modeler is
 * destroyed and the host emptied, and the error says why in a sentence (`label`: "BPMN", "DMN").
 */
export async function importXML(modeler, host, xml, label) {
  try {
    await modeler.importXML(xml);
  } catch (error) {
    modeler.destroy();
    host.replaceChildren();
    throw new Error('the ' + label + ' file could not be read (' + error.message + ').');
  }
}

/** What a bpmn-js or dmn-js modeler holds, as the XML to save. */
export async function savedXML(modeler) {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

/** Start the page's editor once the document is parsed (the script is loaded with defer). */
export function startStudio(kind, editor) {
  const begin = () => {
    const root = document.getElementById('studio-editor');
    if (!root || root.dataset.kind !== kind || root.hasAttribute('data-state')) {
      return;
    }
    const page = new StudioPage(root, editor);
    page.start().catch((error) => page.fail('An unexpected error: ' + error.message));
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', begin);
  } else {
    begin();
  }
}
