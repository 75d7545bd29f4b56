/*
 * Operations on the ticked instances of the monitor list (webui/templates/monitor/index.html), in
 * batches with a progress display (batch-run.js).
 *
 * Built by webui/assets/build.mjs into webui/static/build/monitor-bulk.js (`make assets`).
 *
 * The route (webui/monitor/ops_views.py bulk):
 *   POST data-batch-url {"operation": "suspend", "reason": "...", "to": "", "instance_ids": [4, 5]}
 *   200 {"done": [{"instance_id", "business_key"}], "refused": [{"instance_id", "business_key", "reason"}]}
 */

import { BatchRun, whenReady } from './batch-run.js';

whenReady(() => {
  const form = document.getElementById('monitor-bulk');
  if (!form || !form.dataset.batchUrl || !form.elements.operation) {
    return;
  }
  new BatchRun(form, {
    prefix: 'bulk-',
    doneKey: 'done',
    doneWord: 'done',
    noun: 'instances',
    emptyText: 'Tick the instances to act on.',
    finishedWord: 'Finished',
    failureTail: 'what was done stays done.',
    failedClass: 'monitor-failed',
    body: (f) => ({ operation: f.elements.operation.value, reason: f.elements.reason.value, to: f.elements.to.value }),
  }).attach();
});
