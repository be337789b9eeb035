/**
 * `npm run notebooks`: builds the notebooks offline.
 * 1. esbuild bundles the browser entries (lib/*.ts: the project's own firmware/, models/,
 *    scenarios/ and sim/ modules with @noble, xstate and yaml) into src/components/*.js, so the
 *    pages import the project's code, never a copy of it. Node-only imports of the loaders
 *    (node:fs, node:path, node:v8) become lib/no-node.ts.
 * 2. Observable Framework builds src/ into dist/ (pages import Plot, d3 and Inputs explicitly
 *    from node_modules: implicit and npm: imports would fetch from a CDN, see
 *    ../shared/research/ecosystem.md section 6).
 * Prints how long each half took.
 * @module
 */
import { build, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ENTRIES = ['unlock', 'energy'];

const noNode: Plugin = {
  name: 'no-node',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|path|v8)$/ }, () => ({ path: here('./lib/no-node.ts') }));
  },
};

const t0 = performance.now();
await build({
  entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, here(`./lib/${e}.ts`)])),
  outdir: here('./src/components'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  loader: { '.yaml': 'text' },
  plugins: [noNode],
  logLevel: 'warning',
});
const t1 = performance.now();
process.stdout.write(`notebooks: bundled ${ENTRIES.join(', ')} in ${((t1 - t0) / 1000).toFixed(1)} s\n`);

rmSync(here('./dist'), { recursive: true, force: true });
const fw = spawnSync(process.execPath, [here('../node_modules/@observablehq/framework/dist/bin/observable.js'), 'build'], {
  cwd: here('.'),
  stdio: 'inherit',
  env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: 'true' },
});
if (fw.status !== 0) {
  process.stderr.write(`notebooks: observable build failed (exit ${fw.status ?? fw.signal})\n`);
  process.exit(1);
}
process.stdout.write(`notebooks: framework build in ${((performance.now() - t1) / 1000).toFixed(1)} s; pages in notebooks/dist\n`);
