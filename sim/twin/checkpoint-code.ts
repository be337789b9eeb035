/**
 * The code version a checkpoint is tied to: a SHA-256 over every source file the fleet worker is
 * built from (esbuild's list of the bundle's inputs: sim/, models/, firmware/, units/... and the
 * library files of xstate and noble it imports), each as its path relative to the repository and
 * its contents. A snapshot is only meaningful to the code that wrote it, and this changes exactly
 * when that code does; a git hash would also change on a README edit and miss uncommitted edits.
 * The Node version is hashed in as well.
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cached: Promise<string> | null = null;

export function simulatorCodeVersion(): Promise<string> {
  cached ??= (async () => {
    const esbuild = await import('esbuild');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // The Node version too: V8's Math functions and its serialization format are part of what ran.
    const h = createHash('sha256').update(process.version).update('\0');
    // Inputs are relative to absWorkingDir, so the hash does not depend on where the tree is.
    for (const input of Object.keys(out.metafile.inputs).sort()) {
      h.update(input).update('\0').update(readFileSync(`${root}/${input}`)).update('\0');
    }
    return h.digest('hex').slice(0, 16);
  })();
  return cached;
}
