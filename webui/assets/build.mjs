// Builds the web UI's front-end assets into webui/static/build/ (git-ignored; `make assets` runs it).
//
//   node webui/assets/build.mjs
//
// - case-diagram.js: webui/assets/case-diagram.js with bpmn-js bundled in, one minified IIFE
//   (a classic <script defer>, no modules, no eval: the page's CSP allows only 'self' scripts).
// - bpmn-js's stylesheets and the bpmn icon font, copied as shipped. The font CSS keeps its folder
//   layout (bpmn-font/css/bpmn.css next to bpmn-font/font/) so its relative url('../font/...')
//   references work unchanged and the fonts are served by us, never by a CDN.
// - The studio's editors, one IIFE per file kind, each with the stylesheet esbuild gathers from
//   the CSS it imports (fonts it references land in build/studio-assets/):
//     studio-bpmn.js/.css   bpmn-js Modeler + properties panel + bpmnlint (recommended rules)
//     studio-dmn.js/.css    dmn-js Modeler
//     studio-form.js/.css   form-js Editor + Form viewer for the preview
// - Plain studio pages, one minified IIFE each, no stylesheet of their own:
//     studio-diff.js     two versions' diagrams side by side, added/removed/changed elements coloured
//     studio-migrate.js  moving running cases in batches with a progress display
//     studio-letter.js   the letter template editor with a preview against a real case
//     manager-dashboard.js  the manager's dashboard charts (Chart.js)
//     monitor-heatmap.js    running instances per step on a process diagram
//     monitor-bulk.js       the monitor's bulk operations with a progress display
//   bpmnlint's rules are packed for the browser here, at build time: the import
//   'bpmnlint-config:recommended' is answered with the module bpmnlint's own compile-config writes
//   (what webpack's bpmnlint-loader does), so the bundle needs no loader and no eval.
// - swagger/: Swagger UI's prebuilt bundle and stylesheet from swagger-ui-dist, copied as shipped,
//   for the API's interactive docs at /api/v1/docs (webui/static/api-docs.js starts it).

import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const out = join(repo, 'webui', 'static', 'build');
const bpmnAssets = join(repo, 'node_modules', 'bpmn-js', 'dist', 'assets');
const require = createRequire(join(repo, 'package.json'));

const COMMON = {
  bundle: true,
  format: 'iife',
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  legalComments: 'eof',
  logLevel: 'warning',
};

/** `import config from 'bpmnlint-config:<name>'` gives bpmnlint's packed config `bpmnlint:<name>`. */
const bpmnlintConfigPlugin = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /^bpmnlint-config:/ }, (args) => ({
      path: args.path.slice('bpmnlint-config:'.length),
      namespace: 'bpmnlint-config',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, async (args) => {
      const compileConfig = require('bpmnlint/lib/support/compile-config');
      const contents = await compileConfig({ extends: 'bpmnlint:' + args.path });
      return { contents, loader: 'js', resolveDir: repo };
    });
  },
};

/**
 * One preact for the form bundle: the form-js editor pins an older preact than the viewer's, and
 * npm may install both; the editor draws the viewer's fields, so both must share one copy (hooks
 * break across copies). The editor's is inside the viewer's declared range.
 */
function singlePreactPlugin(packageName) {
  return {
    name: 'single-preact',
    setup(build) {
      const from = dirname(createRequire(require.resolve('@bpmn-io/form-js/package.json')).resolve(packageName + '/package.json'));
      build.onResolve({ filter: /^preact(\/.*)?$/ }, async (args) => {
        if (args.pluginData === 'single-preact') {
          return undefined;
        }
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: from, pluginData: 'single-preact' });
        return found.errors.length ? { errors: found.errors } : { path: found.path };
      });
    },
  };
}

/**
 * The form-js editor hides the browser's drag preview behind a blank image it loads from a data:
 * URL when the module loads, which the CSP (img-src 'self') refuses and reports on every page. A
 * blank 1x1 canvas hides the preview the same way (setDragImage takes any element) and loads
 * nothing. The build fails if the editor's code changes, so an upgrade is looked at, not guessed.
 */
const blankDragImagePlugin = {
  name: 'blank-drag-image',
  setup(build) {
    const shipped = "  const img = new Image();\n  img.src = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';\n  return img;";
    const blank = "  const img = document.createElement('canvas');\n  img.width = img.height = 1;\n  return img;";
    build.onLoad({ filter: /[\\/]@bpmn-io[\\/]form-js-editor[\\/]dist[\\/]index\.es\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(shipped)) {
        return { errors: [{ text: 'form-js-editor no longer creates its blank drag image as build.mjs expects: check it for data: URLs (the CSP refuses them) and update blankDragImagePlugin' }] };
      }
      return { contents: source.replace(shipped, blank), loader: 'js' };
    });
  },
};

const STUDIO = [
  { name: 'studio-bpmn', plugins: [bpmnlintConfigPlugin] },
  { name: 'studio-dmn', plugins: [] },
  { name: 'studio-form', plugins: [singlePreactPlugin('@bpmn-io/form-js-editor'), blankDragImagePlugin] },
];

const PAGES = ['studio-diff', 'studio-migrate', 'studio-letter', 'manager-dashboard', 'monitor-heatmap', 'monitor-bulk'];

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await Promise.all([
  esbuild.build({
    ...COMMON,
    entryPoints: [join(here, 'case-diagram.js')],
    outfile: join(out, 'case-diagram.js'),
  }),
  ...PAGES.map((name) =>
    esbuild.build({
      ...COMMON,
      entryPoints: [join(here, name + '.js')],
      outfile: join(out, name + '.js'),
    }),
  ),
  ...STUDIO.map(({ name, plugins }) =>
    esbuild.build({
      ...COMMON,
      entryPoints: [join(here, name + '.js')],
      outdir: out,
      assetNames: 'studio-assets/[name]-[hash]',
      loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
      plugins,
    }),
  ),
]);

cpSync(join(bpmnAssets, 'diagram-js.css'), join(out, 'diagram-js.css'));
cpSync(join(bpmnAssets, 'bpmn-js.css'), join(out, 'bpmn-js.css'));
cpSync(join(bpmnAssets, 'bpmn-font', 'css', 'bpmn.css'), join(out, 'bpmn-font', 'css', 'bpmn.css'));
cpSync(join(bpmnAssets, 'bpmn-font', 'font'), join(out, 'bpmn-font', 'font'), { recursive: true });

const swaggerDist = dirname(require.resolve('swagger-ui-dist/package.json'));
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
  cpSync(join(swaggerDist, file), join(out, 'swagger', file));
}

const kib = (file) => (statSync(join(out, file)).size / 1024).toFixed(1) + ' KiB';
const sizes = ['case-diagram.js', ...PAGES.map((name) => name + '.js'), ...STUDIO.flatMap(({ name }) => [name + '.js', name + '.css'])]
  .map((file) => `${file} ${kib(file)}`)
  .join(', ');
console.log(`built ${relative(repo, out)}: ${sizes}; bpmn-js styles and Swagger UI copied; in ${Date.now() - started} ms`);
