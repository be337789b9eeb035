/**
 * The embedded engine: PGlite (Postgres compiled to wasm, in process), so `keytwin run` stores
 * its results with no server. Bulk loads use `COPY ... FROM '/dev/blob'` with the rows handed
 * over as a Blob, PGlite's fastest load path (ecosystem.md §2).
 * @module
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Engine, QueryResult, Tx } from './engine.ts';
import { lockStoreWaiting, type StoreLock } from './store-lock.ts';
import { diskFull, FRESH_STORE_BYTES, freeBytes, mb, pgliteMessage } from './pglite-errors.ts';
import { assertStoreWritable } from './store-writable.ts';

/** Rows per COPY statement are bounded by bytes so a large run does not build one huge Blob. */
const COPY_CHUNK_BYTES = 8 * 1024 * 1024;

type Q = Pick<Transaction, 'query'>;

async function run<T>(db: Q, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
  const res = await db.query<T>(sql, params as unknown[] | undefined);
  return { rows: res.rows, affected: res.affectedRows ?? 0 };
}

async function copy(db: Q, table: string, columns: readonly string[], chunks: Iterable<string>): Promise<number> {
  const sql = `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`;
  let parts: string[] = [];
  let bytes = 0;
  let rows = 0;
  const send = async () => {
    if (parts.length === 0) return;
    const res = await db.query(sql, [], { blob: new Blob(parts) });
    rows += res.affectedRows ?? 0;
    parts = [];
    bytes = 0;
    // PGlite runs each COPY synchronously in wasm: let the event loop serve I/O (an InfluxDB
    // sink writing concurrently, an HTTP server) between chunks instead of after the whole load.
    await new Promise<void>((r) => setImmediate(r));
  };
  for (const chunk of chunks) {
    parts.push(chunk);
    bytes += chunk.length;
    if (bytes >= COPY_CHUNK_BYTES) await send();
  }
  await send();
  return rows;
}

/** Opens (creating if needed) an embedded database at a directory, or in memory for `memory://`. */
export async function openPgliteEngine(location: string, options: { brief?: boolean } = {}): Promise<Engine> {
  let dataDir: string | undefined;
  if (location !== 'memory://') {
    dataDir = resolve(location.startsWith('file://') ? new URL(location).pathname : location);
    // A read-only store is refused naming the directory (PGlite would say only that it "failed
    // to initialize properly"); before the lock, whose file goes next to the directory.
    assertStoreWritable(dataDir);
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      throw new Error(`cannot create the embedded store directory ${dataDir}: ${(err as Error).message}`, { cause: err });
    }
  }
  // One process per directory (store-lock.ts): refused here, before PGlite touches the files.
  const lock: StoreLock | null = dataDir ? await lockStoreWaiting(dataDir, options) : null;
  const fresh = dataDir !== undefined && readdirSync(dataDir).length === 0;
  if (fresh) {
    // initdb on a full disk leaves a broken half-store behind: refuse before writing anything.
    const free = freeBytes(dataDir!);
    if (free !== null && free < FRESH_STORE_BYTES) {
      lock?.release();
      throw new Error(`cannot create the embedded store at ${dataDir}: only ${mb(free)} free on its filesystem, a new store needs about ${mb(FRESH_STORE_BYTES)} (ENOSPC); free some space or choose another --store`);
    }
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ?? 'memory://');
  } catch (err) {
    lock?.release();
    const full = dataDir ? diskFull(dataDir) : null;
    // A store that failed while being created is not a store: leave an empty directory behind,
    // not one the next open would take for a damaged store.
    if (fresh) for (const f of readdirSync(dataDir!)) rmSync(`${dataDir}/${f}`, { recursive: true, force: true });
    const why = full ? `the disk is full (${mb(full.free)} free): ${pgliteMessage(err)}` : pgliteMessage(err);
    throw new Error(`cannot open the embedded store at ${dataDir ?? location}: ${why}`, { cause: err });
  }
  // A failure while the disk is full is reported as that, whatever Postgres said.
  const explain = (err: unknown): never => {
    const full = dataDir ? diskFull(dataDir) : null;
    if (!full) throw err;
    throw new Error(`the embedded store at ${dataDir} ran out of disk space (${mb(full.free)} free on its filesystem): ${pgliteMessage(err)}`, { cause: err });
  };
  let closed = false;
  return {
    kind: 'pglite',
    location: dataDir ?? 'memory://',
    schema: null,
    exec: async (sql) => void (await db.exec(sql).catch(explain)),
    query: <T>(sql: string, params?: readonly unknown[]) => run<T>(db, sql, params).catch(explain),
    copyIn: (table, columns, chunks) => copy(db, table, columns, chunks).catch(explain),
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      db.transaction(async (t): Promise<T> => {
        const tx: Tx = {
          backendPid: 0,
          query: (sql, params) => run(t, sql, params),
          copyIn: (table, columns, chunks) => copy(t, table, columns, chunks),
          exec: async (sql) => void (await t.exec(sql)),
        };
        return fn(tx);
      }).catch(explain),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}
