/*
 * Operations on the ticked instances of the monitor list (webui/templates/monitor/index.html), in
 * batches with a progress display, after the studio's moving of cases (studio-migrate.js): "Run"
 * sends BATCH instance ids per request to the JSON route, shows "12 of 50 done, 1 refused" with a
 * <progress> bar, logs each refusal with its reason (aria-live), can stop after the batch under way,
 * and at the end links to the list again.
 *
 * Built by webui/assets/build.mjs into webui/static/build/monitor-bulk.js (`make assets`).
 *
 * The route (webui/monitor/ops_views.py bulk):
 *   POST data-batch-url {"operation": "suspend", "reason": "...", "to": "", "instance_ids": [4, 5]}
 *        (X-CSRFToken header)
 *   200 {"done": [{"instance_id", "business_key"}], "refused": [{"instance_id", "business_key", "reason"}]}
 *   4xx {"title", "detail", "errors"}
 * Each instance is its own transaction: what was done before a failure stays done.
 *
 * What the page tells afterwards (the browser tests read these): #bulk-progress has data-state
 * "running" | "done" | "stopped" | "failed"; each row gets data-outcome "done" or "refused".
 */

const BATCH = 10;

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
  if (!answer || !Array.isArray(answer.done) || !Array.isArray(answer.refused)) {
    throw new Error('the server answered with something other than the done and refused instances');
  }
  return answer;
}

class BulkRun {
  constructor(form) {
    this.form = form;
    this.panel = document.getElementById('bulk-progress');
    this.bar = document.getElementById('bulk-bar');
    this.status = document.getElementById('bulk-status');
    this.stopButton = document.getElementById('bulk-stop');
    this.log = document.getElementById('bulk-log');
    this.end = document.getElementById('bulk-end');
    this.done = 0;
    this.refused = 0;
    this.stopping = false;
    this.stopButton.addEventListener('click', () => this.stop());
  }

  async run() {
    const ids = [...this.form.querySelectorAll('input[name="instance_ids"]:checked')].map((box) => Number(box.value));
    if (!ids.length) {
      this.panel.hidden = false;
      this.say('Tick the instances to act on.', true);
      return;
    }
    const body = {
      operation: this.form.elements.operation.value,
      reason: this.form.elements.reason.value,
      to: this.form.elements.to.value,
    };
    this.total = ids.length;
    for (const control of this.form.elements) {
      control.disabled = true;
    }
    this.bar.max = ids.length;
    this.bar.value = 0;
    this.panel.hidden = false;
    this.panel.setAttribute('data-state', 'running');
    this.say(this.counts());
    const token = this.form.elements.csrf_token.value;
    for (let start = 0; start < ids.length; start += BATCH) {
      if (this.stopping) {
        this.say(`Stopped after ${this.handled()} of ${this.total}: ${this.counts()}. The others were not touched.`);
        this.finish('stopped');
        return;
      }
      let answer;
      try {
        answer = await sendBatch(this.form.dataset.batchUrl, token, { ...body, instance_ids: ids.slice(start, start + BATCH) });
      } catch (error) {
        this.say(`Stopped: ${error.message}. Before that ${this.handled()} of ${this.total} were handled (${this.counts()}); ` +
                 'what was done stays done.', true);
        this.finish('failed');
        return;
      }
      this.record(answer);
    }
    this.say(`Finished: ${this.counts()}.`);
    this.finish('done');
  }

  record(answer) {
    for (const item of answer.done) {
      this.outcome(item.instance_id, 'done');
    }
    for (const item of answer.refused) {
      this.outcome(item.instance_id, 'refused');
      const entry = document.createElement('li');
      entry.textContent = `${item.business_key || 'instance ' + item.instance_id}: ${item.reason}`;
      this.log.appendChild(entry);
    }
    this.done += answer.done.length;
    this.refused += answer.refused.length;
    this.bar.value = this.handled();
    this.say(this.counts());
  }

  outcome(instanceId, what) {
    const row = this.form.querySelector(`tr[data-instance-id="${Number(instanceId)}"]`);
    if (row) {
      row.setAttribute('data-outcome', what);
    }
  }

  stop() {
    this.stopping = true;
    this.stopButton.disabled = true;
    this.stopButton.textContent = 'Stopping after this batch…';
  }

  handled() {
    return this.done + this.refused;
  }

  counts() {
    return `${this.done} of ${this.total} done, ${this.refused} refused`;
  }

  say(text, failed = false) {
    this.status.textContent = text;
    this.status.classList.toggle('monitor-failed', failed);
  }

  finish(state) {
    this.panel.setAttribute('data-state', state);
    this.stopButton.hidden = true;
    this.end.hidden = false;
  }
}

function start() {
  const form = document.getElementById('monitor-bulk');
  if (!form || !form.dataset.batchUrl || !form.elements.operation) {
    return;
  }
  const run = new BulkRun(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run.run().catch((error) => {
      document.getElementById('bulk-status').textContent = 'The run stopped on an unexpected error (' + error.message + ').';
      document.getElementById('bulk-progress').setAttribute('data-state', 'failed');
      document.getElementById('bulk-end').hidden = false;
    });
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
