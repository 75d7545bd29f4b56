// Builds the web UI's front-end assets into webui/static/build/ (git-ignored; `make assets` runs it).
//
//   node webui/assets/build.mjs
//
// - case-diagram.js: webui/assets/case-diagram.js with bpmn-js bundled in, one minified IIFE
//   (a classic <script defer>, no modules, no eval: the page's CSP allows only 'self' scripts).
// - bpmn-js's stylesheets and the bpmn icon font, copied as shipped. The font CSS keeps its folder
//   layout (bpmn-font/css/bpmn.css next to bpmn-font/font/) so its relative url('../font/...')
//   references work unchanged and the fonts are served by us, never by a CDN.

import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const out = join(repo, 'webui', 'static', 'build');
const bpmnAssets = join(repo, 'node_modules', 'bpmn-js', 'dist', 'assets');

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await esbuild.build({
  entryPoints: [join(here, 'case-diagram.js')],
  outfile: join(out, 'case-diagram.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  legalComments: 'eof',
  logLevel: 'warning',
});

cpSync(join(bpmnAssets, 'diagram-js.css'), join(out, 'diagram-js.css'));
cpSync(join(bpmnAssets, 'bpmn-js.css'), join(out, 'bpmn-js.css'));
cpSync(join(bpmnAssets, 'bpmn-font', 'css', 'bpmn.css'), join(out, 'bpmn-font', 'css', 'bpmn.css'));
cpSync(join(bpmnAssets, 'bpmn-font', 'font'), join(out, 'bpmn-font', 'font'), { recursive: true });

const bundle = join(out, 'case-diagram.js');
const kib = (statSync(bundle).size / 1024).toFixed(1);
console.log(`built ${relative(repo, bundle)} (${kib} KiB) and bpmn-js styles in ${Date.now() - started} ms`);
