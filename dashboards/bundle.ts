/**
 * Bundles the browser page (web/app.ts with Plot and d3 from node_modules) with esbuild, in
 * memory, once per process: no CDN, no files written, so the dashboard works offline.
 * @module
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

let cached: Promise<string> | null = null;

export function appBundle(): Promise<string> {
  cached ??= build({
    entryPoints: [fileURLToPath(new URL('./web/app.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text).catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}
