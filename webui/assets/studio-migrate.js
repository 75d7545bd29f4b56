/*
 * Moving running cases from the studio's plan page (webui/templates/studio/migrate.html) in
 * batches with a progress display (batch-run.js). Without this script the form posts every ticked
 * case at once and the page reloads.
 *
 * Built by webui/assets/build.mjs into webui/static/build/studio-migrate.js (`make assets`).
 *
 * The route (webui/designer/versions_views.py migrate_batch):
 *   POST data-batch-url  {"from": 1, "to": 2, "instance_ids": [4, 5]}   (X-CSRFToken header)
 *   200 {"moved": [{"instance_id", "business_key", "migration_id"}], "refused": [{"instance_id", "business_key", "reason"}]}
 */

import { BatchRun, whenReady } from './batch-run.js';

whenReady(() => {
  const form = document.getElementById('migrate-form');
  if (!form || !form.dataset.batchUrl) {
    return;
  }
  new BatchRun(form, {
    prefix: 'migrate-',
    doneKey: 'moved',
    doneWord: 'moved',
    noun: 'cases',
    emptyText: 'Tick the cases to move.',
    finishedWord: 'Done',
    failureTail: 'what moved stays moved. Show the plan again to see where the others stand.',
    failedClass: 'studio-migrate-failed',
    body: (f) => ({ from: Number(f.dataset.from), to: Number(f.dataset.to) }),
  }).attach();
});
