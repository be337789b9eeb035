/**
 * An `Engine` view of an open transaction, so the registry's own transactional functions
 * (provisionDevice, changePolicy, revokeDevice) run inside the request's transaction together
 * with the lifecycle snapshot and the audit row: all of it commits or none of it does.
 * @module
 */
import type { Engine, Tx } from '../store/index.ts';

export function engineOf(tx: Tx, outer: Engine): Engine {
  return {
    kind: outer.kind,
    location: outer.location,
    schema: outer.schema,
    query: (sql, params) => tx.query(sql, params),
    copyIn: (table, columns, chunks) => tx.copyIn(table, columns, chunks),
    exec: (sql) => tx.exec(sql),
    // Already inside a transaction: the inner "transaction" is this one.
    transaction: (fn) => fn(tx),
    close: () => Promise.reject(new Error('engineOf: a transaction view cannot close the engine')),
  };
}
