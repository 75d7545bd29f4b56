/*
 * Moving running cases from the studio's plan page (webui/templates/studio/migrate.html) in
 * batches, with a progress display: "Move the ticked cases" sends BATCH ids per request to the JSON
 * route, shows "12 of 50 moved, 1 refused" with a <progress> bar, logs each refusal with its reason
 * (aria-live), can stop after the batch under way, and at the end links to the plan again.
 * Without this script the form posts every ticked case at once and the page reloads.
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-migrate.js (`make assets`).
 *
 * The route (webui/designer/versions_views.py migrate_batch):
 *   POST data-batch-url  {"from": 1, "to": 2, "instance_ids": [4, 5]}   (X-CSRFToken header)
 *   200 {"moved": [{"instance_id", "business_key", "migration_id"}], "refused": [{"instance_id", "business_key", "reason"}]}
 *   4xx {"title", "detail", "errors"}
 * Each case moves in its own transaction: what moved before a failure stays moved.
 *
 * What the page tells afterwards (the browser tests read these): #migrate-progress has
 * data-state="running" | "done" | "stopped" | "failed"; each case's <li> gets data-outcome
 * "moved" or "refused".
 */

const BATCH = 10;

/** The server's answer to one batch, or an Error whose message a person can read. */
async function sendBatch(url, token, body) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new Error('the server could not be reached (' + error.message + ')');
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = answer && answer.detail ? ': ' + String(answer.detail).replace(/\.$/, '') : '';
    throw new Error('the server answered ' + response.status + detail);
  }
  if (!answer || !Array.isArray(answer.moved) || !Array.isArray(answer.refused)) {
    throw new Error('the server answered with something other than the moved and refused cases');
  }
  return answer;
}

class MoveRun {
  constructor(form) {
    this.form = form;
    this.panel = document.getElementById('migrate-progress');
    this.bar = document.getElementById('migrate-bar');
    this.status = document.getElementById('migrate-status');
    this.stopButton = document.getElementById('migrate-stop');
    this.log = document.getElementById('migrate-log');
    this.noneRefused = document.getElementById('migrate-none-refused');
    this.end = document.getElementById('migrate-end');
    this.moved = 0;
    this.refused = 0;
    this.stopping = false;
    this.stopButton.addEventListener('click', () => this.stop());
  }

  async run() {
    const ids = [...this.form.querySelectorAll('input[name="instance_ids"]:checked')].map((box) => Number(box.value));
    if (!ids.length) {
      this.panel.hidden = false;
      this.say('Tick the cases to move.', true);
      return;
    }
    // The form stays disabled afterwards: the plan, shown again, is where a next run starts.
    this.total = ids.length;
    for (const control of this.form.elements) {
      control.disabled = true;
    }
    this.bar.max = ids.length;
    this.bar.value = 0;
    this.show('running');
    this.say(this.counts());
    const body = { from: Number(this.form.dataset.from), to: Number(this.form.dataset.to) };
    const token = this.form.elements.csrf_token.value;
    for (let start = 0; start < ids.length; start += BATCH) {
      if (this.stopping) {
        this.say(`Stopped after ${this.done()} of ${this.total} cases: ${this.counts()}. The others were not touched.`);
        this.finish('stopped');
        return;
      }
      let answer;
      try {
        answer = await sendBatch(this.form.dataset.batchUrl, token, { ...body, instance_ids: ids.slice(start, start + BATCH) });
      } catch (error) {
        this.say(`Stopped: ${error.message}. Before that ${this.done()} of ${this.total} cases were handled (${this.counts()}); ` +
                 'what moved stays moved. Show the plan again to see where the others stand.', true);
        this.finish('failed');
        return;
      }
      this.record(answer);
    }
    this.say(`Done: ${this.counts()}.`);
    this.finish('done');
  }

  record(answer) {
    for (const moved of answer.moved) {
      this.outcome(moved.instance_id, 'moved');
    }
    for (const refused of answer.refused) {
      this.outcome(refused.instance_id, 'refused');
      const entry = document.createElement('li');
      entry.textContent = `${refused.business_key || 'instance ' + refused.instance_id}: ${refused.reason}`;
      this.log.appendChild(entry);
      this.noneRefused.hidden = true;
    }
    this.moved += answer.moved.length;
    this.refused += answer.refused.length;
    this.bar.value = this.done();
    this.say(this.counts());
  }

  outcome(instanceId, what) {
    const item = this.form.querySelector(`li[data-instance-id="${Number(instanceId)}"]`);
    if (item) {
      item.setAttribute('data-outcome', what);
    }
  }

  stop() {
    this.stopping = true;
    this.stopButton.disabled = true;
    this.stopButton.textContent = 'Stopping after this batch…';
  }

  done() {
    return this.moved + this.refused;
  }

  counts() {
    return `${this.moved} of ${this.total} moved, ${this.refused} refused`;
  }

  say(text, failed = false) {
    this.status.textContent = text;
    this.status.classList.toggle('studio-migrate-failed', failed);
  }

  show(state) {
    this.panel.hidden = false;
    this.panel.setAttribute('data-state', state);
  }

  finish(state) {
    this.panel.setAttribute('data-state', state);
    this.stopButton.hidden = true;
    this.end.hidden = false;
  }
}

function start() {
  const form = document.getElementById('migrate-form');
  if (!form || !form.dataset.batchUrl) {
    return;
  }
  const run = new MoveRun(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run.run().catch((error) => {
      const status = document.getElementById('migrate-status');
      status.textContent = 'The move stopped on an unexpected error (' + error.message + '). Show the plan again to see where the cases stand.';
      document.getElementById('migrate-progress').setAttribute('data-state', 'failed');
      document.getElementById('migrate-end').hidden = false;
    });
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
