/**
 * The one seam between store/ and its two Postgres engines: a server through `pg` and the
 * embedded PGlite. Everything above this file (migrations, registry, runs) is written once
 * against `Engine`, so both engines run the same SQL; only bulk loading differs, because each
 * engine has its own fastest path (COPY FROM STDIN on the server, COPY FROM '/dev/blob' in PGlite).
 * @module
 */

export interface QueryResult<T> {
  rows: T[];
  /** Rows affected by INSERT/UPDATE/DELETE/COPY (0 when the engine does not say). */
  affected: number;
}

/** The operations available inside a transaction (and on the engine outside one). */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /**
   * Bulk-loads rows already encoded in COPY text format (tab-separated, `\N` for NULL, one row
   * per line) into `table (columns)`. Returns the number of rows loaded.
   */
  copyIn(table: string, columns: readonly string[], chunks: Iterable<string>): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Tx extends Queryable {
  /** The server process id of this transaction's connection (PGlite: its own pid). */
  readonly backendPid: number;
}

export interface Engine extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** The schema the tables live in when the URL names one (server only), else null. */
  readonly schema: string | null;
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A Postgres identifier, quoted; rejects anything but plain lower-case names so SQL stays safe. */
export function ident(name: string, what = 'identifier'): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`${what} '${name}' is not valid: expected lower-case letters, digits and _ (at most 63, not starting with a digit)`);
  }
  return `"${name}"`;
}
