/*
 * Running one action over many ticked cases in batches, with a progress display: the studio's
 * moving of cases (studio-migrate.js) and the monitor's bulk operations (monitor-bulk.js) use it.
 * BATCH ids go per request to the form's data-batch-url (X-CSRFToken header); the page shows
 * "12 of 50 moved, 1 refused" with a <progress> bar, logs each refusal with its reason (aria-live),
 * can stop after the batch under way, and says how far it got when the server fails. Each case is
 * its own transaction on the server, so what was done before a failure stays done.
 *
 * The route answers 200 {"<doneKey>": [{"instance_id", …}], "refused": [{"instance_id",
 * "business_key", "reason"}]} or 4xx/5xx {"title", "detail"}.
 *
 * The page (read by the browser tests): #<prefix>progress gets data-state "running" | "done" |
 * "stopped" | "failed"; each element with data-instance-id in the form gets data-outcome
 * "<doneWord>" or "refused". Elements: #<prefix>progress, -bar, -status, -stop, -log, -end and,
 * optionally, -none-refused.
 */

const BATCH = 10;

/** The server's answer to one batch, or an Error whose message a person can read. */
async function sendBatch(url, token, body, doneKey, noun) {
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
  if (!answer || !Array.isArray(answer[doneKey]) || !Array.isArray(answer.refused)) {
    throw new Error(`the server answered with something other than the ${doneKey} and refused ${noun}`);
  }
  return answer;
}

/**
 * options: prefix ('migrate-'), doneKey ('moved'), doneWord ('moved'), noun ('cases'),
 * emptyText, finishedWord ('Done'), failureTail (what stays true after a failure), failedClass,
 * body(form) -> the fields every batch sends besides instance_ids.
 */
export class BatchRun {
  constructor(form, options) {
    this.form = form;
    this.o = options;
    const part = (name) => document.getElementById(options.prefix + name);
    this.panel = part('progress');
    this.bar = part('bar');
    this.status = part('status');
    this.stopButton = part('stop');
    this.log = part('log');
    this.noneRefused = part('none-refused');
    this.end = part('end');
    this.succeeded = 0;
    this.refused = 0;
    this.stopping = false;
    this.stopButton.addEventListener('click', () => this.stop());
  }

  async run() {
    const ids = [...this.form.querySelectorAll('input[name="instance_ids"]:checked')].map((box) => Number(box.value));
    if (!ids.length) {
      this.panel.hidden = false;
      this.say(this.o.emptyText, true);
      return;
    }
    const body = this.o.body(this.form);
    const token = this.form.elements.csrf_token.value;
    // The form stays disabled afterwards: the page, shown again, is where a next run starts.
    this.total = ids.length;
    for (const control of this.form.elements) {
      control.disabled = true;
    }
    this.bar.max = ids.length;
    this.bar.value = 0;
    this.panel.hidden = false;
    this.panel.setAttribute('data-state', 'running');
    this.say(this.counts());
    const { noun } = this.o;
    for (let start = 0; start < ids.length; start += BATCH) {
      if (this.stopping) {
        this.say(`Stopped after ${this.handled()} of ${this.total} ${noun}: ${this.counts()}. The others were not touched.`);
        this.finish('stopped');
        return;
      }
      let answer;
      try {
        const batch = { ...body, instance_ids: ids.slice(start, start + BATCH) };
        answer = await sendBatch(this.form.dataset.batchUrl, token, batch, this.o.doneKey, noun);
      } catch (error) {
        this.say(`Stopped: ${error.message}. Before that ${this.handled()} of ${this.total} ${noun} were handled ` +
                 `(${this.counts()}); ${this.o.failureTail}`, true);
        this.finish('failed');
        return;
      }
      this.record(answer);
    }
    this.say(`${this.o.finishedWord}: ${this.counts()}.`);
    this.finish('done');
  }

  /** Runs on submit; an unexpected error still ends the run with a message. */
  attach() {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.run().catch((error) => {
        this.say(`The run stopped on an unexpected error (${error.message}). ${this.o.failureTail}`, true);
        this.finish('failed');
      });
    });
  }

  record(answer) {
    for (const item of answer[this.o.doneKey]) {
      this.outcome(item.instance_id, this.o.doneWord);
    }
    for (const item of answer.refused) {
      this.outcome(item.instance_id, 'refused');
      const entry = document.createElement('li');
      entry.textContent = `${item.business_key || 'instance ' + item.instance_id}: ${item.reason}`;
      this.log.appendChild(entry);
      if (this.noneRefused) {
        this.noneRefused.hidden = true;
      }
    }
    this.succeeded += answer[this.o.doneKey].length;
    this.refused += answer.refused.length;
    this.bar.value = this.handled();
    this.say(this.counts());
  }

  outcome(instanceId, what) {
    const element = this.form.querySelector(`[data-instance-id="${Number(instanceId)}"]`);
    if (element) {
      element.setAttribute('data-outcome', what);
    }
  }

  stop() {
    this.stopping = true;
    this.stopButton.disabled = true;
    this.stopButton.textContent = 'Stopping after this batch…';
  }

  handled() {
    return this.succeeded + this.refused;
  }

  counts() {
    return `${this.succeeded} of ${this.total} ${this.o.doneWord}, ${this.refused} refused`;
  }

  say(text, failed = false) {
    this.status.textContent = text;
    this.status.classList.toggle(this.o.failedClass, failed);
  }

  finish(state) {
    this.panel.setAttribute('data-state', state);
    this.stopButton.hidden = true;
    this.end.hidden = false;
  }
}

/** Calls start() once the page's elements exist. */
export function whenReady(start) {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}
