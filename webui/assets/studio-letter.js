/*
 * The studio's letter template editor: the Jinja2 template as plain text (monospace, line numbers),
 * saved through studio-page.js like every library file (Ctrl+S, dirty tracking, the problem list;
 * a problem with a line selects that line), and a preview for a real case.
 *
 * The preview (webui/templates/studio/_letter_editor.html, webui/designer/letters_views.py):
 *   Preview  POST data-preview-url {"path", "content", "case_number"} with header X-CSRFToken
 *            200 {"html", "subject", "case_number"}; 400/404 {"title", "detail", "problem"?}
 *            The HTML goes into <iframe sandbox=""> through its srcdoc: no scripts run in it and
 *            it has no origin, so a letter can neither act on the page nor fetch anything.
 *   PDF      the form posts the same fields (content copied in first) and the PDF opens in a tab.
 *
 * What the page tells afterwards (tests rely on these): #letter-preview-form[data-state] is
 * idle | loading | shown | failed; #letter-subject holds the subject shown.
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-letter.js; styles in
 * webui/static/studio-letter.css. No markup is built from strings: text goes in as textContent.
 */

import { startStudio } from './studio-page.js';

function part(tag, className) {
  const element = document.createElement(tag);
  if (className) {
    element.className = className;
  }
  return element;
}

/** [start, end) offsets of 1-based line `line` in `text`. */
function lineRange(text, line) {
  let start = 0;
  for (let n = 1; n < line; n += 1) {
    const next = text.indexOf('\n', start);
    if (next < 0) {
      return [text.length, text.length];
    }
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return [start, end < 0 ? text.length : end];
}

function letterEditor() {
  let source = null;
  let gutter = null;
  let numbered = 0;
  const listeners = [];

  function number() {
    const lines = source.value.split('\n').length;
    if (numbered !== lines) {
      numbered = lines;
      gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n');
    }
    gutter.scrollTop = source.scrollTop;
  }

  return {
    async open(host, content) {
      const box = part('div', 'letter-text');
      gutter = part('pre', 'letter-lines');
      gutter.setAttribute('aria-hidden', 'true');
      source = part('textarea', 'letter-source');
      source.id = 'letter-source';
      source.spellcheck = false;
      source.wrap = 'off';
      source.setAttribute('aria-label', 'The letter template (Jinja2 and HTML)');
      source.value = content;
      source.addEventListener('input', () => {
        number();
        listeners.forEach((callback) => callback());
      });
      source.addEventListener('scroll', () => {
        gutter.scrollTop = source.scrollTop;
      });
      box.append(gutter, source);
      host.replaceChildren(box);
      number();
    },
    async content() {
      return source.value;
    },
    onChange(callback) {
      listeners.push(callback);
    },
    has(elementId, problem) {
      return Boolean(problem && Number.isInteger(problem.line) && problem.line > 0);
    },
    reveal(elementId, problem) {
      if (!problem || !problem.line) {
        return;
      }
      const [start, end] = lineRange(source.value, problem.line);
      source.focus();
      source.setSelectionRange(start, end);
      const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 18;
      source.scrollTop = Math.max(0, (problem.line - 4) * lineHeight);
    },
    text() {
      return source ? source.value : null;
    },
  };
}

/** The preview panel: a case number, Preview (HTML in the sandboxed frame) and PDF. */
function startPreview(editor) {
  const form = document.getElementById('letter-preview-form');
  const root = document.getElementById('studio-editor');
  if (!form || !root) {
    return;
  }
  const caseNumber = document.getElementById('letter-case-number');
  const status = document.getElementById('letter-preview-status');
  const subject = document.getElementById('letter-subject');
  const frame = document.getElementById('letter-frame');
  const path = form.elements.namedItem('path').value;
  form.setAttribute('data-state', 'idle');

  function say(text, tone) {
    status.textContent = text;
    status.className = 'letter-preview-status' + (tone ? ' letter-preview-' + tone : '');
  }

  function failed(text, problem) {
    form.setAttribute('data-state', 'failed');
    say(text, 'error');
    const sameFile = problem && (!problem.file || problem.file === path);
    if (sameFile && editor.has('', problem)) {
      const show = part('button', 'letter-show-line');
      show.type = 'button';
      show.textContent = 'Show line ' + problem.line;
      show.addEventListener('click', () => editor.reveal('', problem));
      status.append(' ', show);
    }
  }

  async function preview() {
    const content = editor.text();
    if (content === null) {
      say('The editor is still loading.', 'error');
      return;
    }
    if (!caseNumber.value.trim()) {
      caseNumber.focus();
      say('Give the application number of a case to preview the letter for.', 'error');
      return;
    }
    form.setAttribute('data-state', 'loading');
    say('Rendering…');
    let response;
    let body = null;
    try {
      response = await fetch(form.dataset.previewUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRFToken': root.dataset.csrfToken },
        body: JSON.stringify({ path, content, case_number: caseNumber.value }),
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      failed('The server could not be reached (' + error.message + ').');
      return;
    }
    if (!response.ok || !body || typeof body.html !== 'string') {
      const detail = body && (body.detail || body.title);
      failed('No preview: ' + (detail ? String(detail) : 'the server answered ' + response.status + '.'), body && body.problem);
      return;
    }
    subject.textContent = String(body.subject || '');
    frame.srcdoc = body.html;
    form.setAttribute('data-state', 'shown');
    say('The letter for case ' + String(body.case_number || caseNumber.value.trim()) + ', as the text in the editor renders it.', 'ok');
  }

  document.getElementById('letter-preview').addEventListener('click', () => preview());
  caseNumber.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      preview();
    }
  });
  form.addEventListener('submit', (event) => {
    const content = editor.text();
    if (content === null) {
      event.preventDefault();
      return;
    }
    form.elements.namedItem('content').value = content;
  });
}

const editor = letterEditor();
startStudio('letter', editor);
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => startPreview(editor));
} else {
  startPreview(editor);
}
