/**
 * How the dashboard reads an embedded (PGlite directory) store that other processes write.
 *
 * PGlite runs Postgres inside this process and caches the database in memory: a PGlite opened
 * once at start never sees the runs `keytwin run` saves later from its own process (the runs list
 * stayed stale and "Open the stored run" said the run was missing). Two processes holding one
 * PGlite directory open at once can also corrupt it (issue 15). So the dashboard holds an embedded
 * store only for the duration of a request: it opens it, reads, and closes it, and between
 * requests it keeps nothing open. A change marker (the stat of global/pg_control and the WAL
 * files, which every writer's commit and close touch) says when the store changed, so an
 * unchanged store is answered from the last listing instead of reopening it (opening costs
 * seconds). The marker is re-read after our own close, because closing writes a checkpoint.
 * A write by another process while we hold the store is not seen until its next change; the
 * store lock (issue 15) makes such overlap impossible: a writer then waits for our close.
 *
 * A server store (postgres://) and memory:// are used as they are: a server shows every
 * committed write to every connection, and memory:// belongs to this process alone.
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../results/index.ts';
import { lockHolder, openStore, StoreLockedError, type RunListing, type Store, type SweepListing, type SweepRecord } from '../store/index.ts';

/** How long a request waits for a writer that holds the store (saving a run takes seconds). */
const WRITER_WAIT_MS = 30_000;

/** What the dashboard needs from a store. */
export interface RunStore {
  readonly location: string;
  listRuns(): Promise<RunListing[]>;
  getRun(runId: string): Promise<RunResult | null>;
  listSweeps(): Promise<SweepListing[]>;
  getSweep(sweepId: string): Promise<SweepRecord | null>;
  /** Changes whenever the stored runs may have changed; absent when the store is always current. */
  version?(): Promise<string>;
}

/** A run store over an embedded directory that is opened per request (see the module comment). */
export function shortLivedStore(dir: string, open: (dir: string) => Promise<Store> = (d) => openStore(d, { migrate: false, brief: true })): RunStore & { drain(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  let store: Store | null = null;
  let users = 0;
  // `known` is the marker of the files as we last saw them, `generation` counts the changes made
  // by OTHER processes. Our own close rewrites pg_control, so after it `known` is simply re-read:
  // counting it as a change would reopen the store on every poll, forever.
  let known: string | null = null;
  let generation = 0;
  const observe = async () => {
    const m = await changeMarker(dir);
    if (m !== known) {
      if (known !== null) generation++;
      known = m;
    }
  };

  // A writer (`keytwin run` saving) holds the lock for seconds: wait for it rather than fail the
  // request. Our own lock is brief (store-lock.ts), so writers wait for us in turn.
  const openWaiting = async (): Promise<Store> => {
    const end = Date.now() + WRITER_WAIT_MS;
    for (;;) {
      try {
        return await open(dir);
      } catch (err) {
        if (!(err instanceof StoreLockedError) || Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  // Requests are serialised and share one open while they queue up; the last one closes it.
  const using = <T>(fn: (s: Store) => Promise<T>): Promise<T> => {
    users++;
    const task = queue.then(async () => {
      try {
        if (!store) {
          await observe();
          store = await openWaiting();
        }
        return await fn(store);
      } finally {
        if (--users === 0 && store) {
          const s = store;
          store = null;
          try {
            await s.close();
          } finally {
            known = await changeMarker(dir);
          }
        }
      }
    });
    queue = task.catch(() => {});
    return task;
  };
  const version = async () => {
    // While we hold the store its files change under our own hands: not news.
    if (users === 0) await observe();
    return String(generation);
  };

  // A listing the page polls: the last one while the store is unchanged, or while a writer holds
  // it (the next poll brings the change); otherwise read afresh.
  const listed = <T>(read: (s: Store) => Promise<T>) => {
    let last: { generation: number; value: T } | null = null;
    return async (): Promise<T> => {
      await version();
      if (last && last.generation === generation) return last.value;
      const holder = lockHolder(dir);
      if (last && holder && !holder.brief) return last.value;
      const value = await using(read);
      last = { generation, value };
      return value;
    };
  };

  return {
    location: dir,
    version,
    listRuns: listed((s) => s.listRuns()),
    getRun: (runId) => using((s) => s.getRun(runId)),
    // Polled with the runs list: answered from the last listing while nothing changed, like it.
    listSweeps: listed((s) => s.listSweeps()),
    getSweep: (sweepId) => using((s) => s.getSweep(sweepId)),
    /** Waits until no request holds the store open. */
    drain: () => queue.then(() => {}),
  };
}

/** The stat of the files every commit and checkpoint writes, as one string. */
export async function changeMarker(dir: string): Promise<string> {
  const parts: string[] = [];
  const add = async (path: string) => {
    try {
      const s = await stat(path);
      parts.push(`${path}:${s.size}:${s.mtimeMs}`);
    } catch {
      parts.push(`${path}:missing`);
    }
  };
  await add(join(dir, 'global', 'pg_control'));
  let wal: string[] = [];
  try {
    wal = (await readdir(join(dir, 'pg_wal'))).sort();
  } catch {
    // A store not created yet: pg_control is 'missing', which is a marker too.
  }
  for (const f of wal) await add(join(dir, 'pg_wal', f));
  return parts.join('|');
}

/**
 * Opens the store at `url` for the dashboard: creates and migrates it if needed, then, for an
 * embedded directory, closes it again and reads it per request from then on.
 */
export async function openDashboardStore(url: string): Promise<{ store: RunStore; close(): Promise<void> }> {
  const opened = await openStore(url);
  if (opened.kind !== 'pglite' || opened.location === 'memory://') return { store: opened, close: () => opened.close() };
  await opened.close();
  const store = shortLivedStore(opened.location);
  return { store, close: () => store.drain() };
}
