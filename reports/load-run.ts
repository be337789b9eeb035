/**
 * Finds the run a report is about: a result.json file, a `keytwin run --out` directory holding
 * one, or a run id in the store (Postgres URL, or embedded PGlite at .keytwin/store by default).
 * Every miss is a RunNotFoundError whose message says where it looked and what exists.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resultFromJson } from '../results/index.ts';
import type { RunResult } from '../results/index.ts';
import { DEFAULT_STORE, openStore, type Store } from '../store/index.ts';

/** A run that cannot be found or read: the message is meant for the user as it is. */
export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
  readonly userFacing = true;
}

export interface RunLoader {
  load(ref: string): Promise<RunResult>;
  close(): Promise<void>;
}

/** `storeUrl` undefined means the default embedded store, which is only opened if it exists. */
export function createRunLoader(storeUrl?: string): RunLoader {
  let store: Promise<Store> | null = null;
  const getStore = () => (store ??= openStore(storeUrl ?? DEFAULT_STORE));
  return {
    async load(ref) {
      const file = resultFile(ref);
      if (file) {
        try {
          return resultFromJson(await readFile(file, 'utf8'), file);
        } catch (err) {
          throw new RunNotFoundError((err as Error).message);
        }
      }
      if (/[\\/]|\.json$/i.test(ref)) throw new RunNotFoundError(`'${ref}': no such file or directory (expected a result.json or a 'keytwin run --out' directory)`);
      if (storeUrl === undefined && !existsSync(DEFAULT_STORE)) {
        throw new RunNotFoundError(`run '${ref}': it is not a file, and there is no store at ${DEFAULT_STORE} (run 'keytwin run' first, or pass --store <url>)`);
      }
      let s: Store;
      try {
        s = await getStore();
      } catch (err) {
        throw new RunNotFoundError(`cannot open the store ${storeUrl ?? DEFAULT_STORE}: ${(err as Error).message}`);
      }
      const run = await s.getRun(ref);
      if (run) return run;
      const ids = (await s.listRuns()).map((r) => r.runId);
      const known = ids.length === 0 ? 'the store is empty' : `runs there: ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? `, … (${ids.length} in all)` : ''}`;
      throw new RunNotFoundError(`run '${ref}' is not in the store ${s.location} (${known})`);
    },
    async close() {
      if (store) await (await store.catch(() => null))?.close();
    },
  };
}

function resultFile(ref: string): string | null {
  if (!existsSync(ref)) return null;
  if (statSync(ref).isDirectory()) {
    const f = join(ref, 'result.json');
    if (existsSync(f)) return f;
    throw new RunNotFoundError(`'${ref}' is a directory without result.json (write one with 'keytwin run --out ${ref}')`);
  }
  return ref;
}
