/**
 * `openStore(url)`: one store API over either engine. A postgres:// URL opens the server through
 * `pg`; anything else (a directory, file:// URL, or memory://) opens embedded PGlite. Both run the
 * same migrations and the same queries.
 * @module
 */
import type { RunResult } from '../results/index.ts';
import type { Engine } from './engine.ts';
import { openPgEngine } from './engine-pg.ts';
import { openPgliteEngine } from './engine-pglite.ts';
import { migrate, type MigrateReport } from './migrate.ts';
import { deleteRun, getRun, listRuns, saveRun, type RunListing, type SaveRunOptions, type SaveRunReport } from './runs.ts';
import { getSweep, listSweeps, type SweepListing, type SweepRecord } from './sweeps.ts';

/** Where `keytwin` keeps results when no --store is given: git-ignored, in the working directory. */
export const DEFAULT_STORE = '.keytwin/store';

export interface Store {
  readonly engine: Engine;
  readonly kind: Engine['kind'];
  /** Where the data lives, safe to print (password redacted). */
  readonly location: string;
  migrate(): Promise<MigrateReport>;
  saveRun(result: RunResult, options?: SaveRunOptions): Promise<SaveRunReport>;
  listRuns(): Promise<RunListing[]>;
  getRun(runId: string): Promise<RunResult | null>;
  deleteRun(runId: string): Promise<boolean>;
  listSweeps(): Promise<SweepListing[]>;
  getSweep(sweepId: string): Promise<SweepRecord | null>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Hold an embedded store for one short read (the dashboard): other openers wait instead of being refused. */
  brief?: boolean;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function openStore(url: string = DEFAULT_STORE, options: OpenStoreOptions = {}): Promise<Store> {
  if (url.trim() === '') throw new Error(`store URL is empty (give a postgres:// URL, a directory, or memory://)`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !isPostgresUrl(url) && !/^(memory|file):\/\//i.test(url)) {
    throw new Error(`store URL '${url}': unknown scheme (expected postgres://..., file://..., memory://, or a directory path)`);
  }
  const engine = isPostgresUrl(url) ? await openPgEngine(url) : await openPgliteEngine(url, { brief: options.brief });
  const store: Store = {
    engine,
    kind: engine.kind,
    location: engine.location,
    migrate: () => migrate(engine),
    saveRun: (result, opts) => saveRun(engine, result, opts),
    listRuns: () => listRuns(engine),
    getRun: (id) => getRun(engine, id),
    deleteRun: (id) => deleteRun(engine, id),
    listSweeps: () => listSweeps(engine),
    getSweep: (id) => getSweep(engine, id),
    close: () => engine.close(),
  };
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (err) {
      await engine.close().catch(() => {});
      throw err;
    }
  }
  return store;
}
