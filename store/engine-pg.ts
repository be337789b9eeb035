/**
 * The server engine: node `pg` pool, bulk loads through COPY FROM STDIN (pg-copy-streams), the
 * fastest load path a Postgres server has (about 4× multi-row INSERT here, ecosystem.md §1).
 * A `?schema=name` parameter on the URL puts every table in that schema (tests use one schema
 * per file so parallel test files and other folders' tables never collide).
 * @module
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ident, type Engine, type QueryResult, type Tx } from './engine.ts';

export interface PgUrl {
  /** The connection string without keytwin's own parameters. */
  connectionString: string;
  schema: string | null;
  /** The URL with any password replaced by ***: safe for messages. */
  display: string;
}

export function parsePgUrl(url: string): PgUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`store URL '${redact(url)}' is not a valid URL (expected postgres://user@host:port/database)`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error(`store URL '${redact(url)}': expected the postgres:// scheme, got '${u.protocol}'`);
  }
  const schema = u.searchParams.get('schema');
  if (schema !== null) ident(schema, `store URL '${redact(url)}': schema`);
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema, display: redact(url) };
}

/** Replaces the password of a URL with ***. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@');
}

type PgQueryable = Pick<pg.PoolClient, 'query'>;

async function run<T>(c: PgQueryable, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
  const res = await c.query(sql, params as unknown[] | undefined);
  return { rows: res.rows as T[], affected: res.rowCount ?? 0 };
}

async function copy(client: pg.PoolClient, table: string, columns: readonly string[], chunks: Iterable<string>): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return stream.rowCount;
}

export async function openPgEngine(url: string): Promise<Engine> {
  const parsed = parsePgUrl(url);
  const pool = new pg.Pool({
    connectionString: parsed.connectionString,
    max: 4,
    application_name: 'keytwin',
    ...(parsed.schema ? { options: `-c search_path=${parsed.schema}` } : {}),
  });
  // An idle client that loses its server (restart, pg_terminate_backend) must not crash the process.
  pool.on('error', () => {});
  // Nor may a client between the pool's listener and ours (checked out, being released or ended
  // after a broken query): with its backend terminated under load it emitted a FATAL 57P01 with no
  // listener once in CI (test/cloud/store-outage.test.ts). What the error means is still handled
  // where it lands: the running query rejects, withClient marks the client broken, the pool drops it.
  pool.on('connect', (client) => client.on('error', () => {}));
  let closed = false;

  const withClient = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw new Error(`cannot connect to Postgres at ${parsed.display}: ${(err as Error).message || String(err)}`, { cause: err });
    }
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      broken ??= isConnectionError(err) ? (err as Error) : undefined;
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };

  return {
    kind: 'postgres',
    location: parsed.display,
    schema: parsed.schema,
    exec: (sql) => withClient(async (c) => void (await c.query(sql))),
    query: (sql, params) => withClient((c) => run(c, sql, params)),
    copyIn: (table, columns, chunks) => withClient((c) => copy(c, table, columns, chunks)),
    transaction: (fn) =>
      withClient(async (client) => {
        const pid = (await run<{ pid: number }>(client, 'SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
        await client.query('BEGIN');
        const tx: Tx = {
          backendPid: pid,
          query: (sql, params) => run(client, sql, params),
          copyIn: (table, columns, chunks) => copy(client, table, columns, chunks),
          exec: async (sql) => void (await client.query(sql)),
        };
        try {
          const out = await fn(tx);
          await client.query('COMMIT');
          return out;
        } catch (err) {
          // The connection may be gone (that is often why we are here); the server rolls back then.
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** SQLSTATE classes and node codes that mean "the server or the connection is gone", not "this query is wrong". */
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /Connection terminated|has encountered a connection error and is not queryable|Client was closed and is not queryable|cannot connect to Postgres|timeout exceeded when trying to connect/i;

/**
 * Whether an error (or its cause) says the database could not be reached or the connection was
 * lost, so a client should retry later (the cloud answers 503), rather than that the query failed.
 * pg reports a client whose connection died as "Client has encountered a connection error and is
 * not queryable", with no code: it is matched by message (issue 15, item 5).
 */
export function isConnectionError(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  }
  return false;
}
