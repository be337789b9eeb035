/**
 * The memo caches inside a partition, which a checkpoint leaves out (checkpoint-state.ts): each
 * maps inputs to a pure function's result, so a resumed partition that starts them empty
 * recomputes the same values on demand.
 * - OpModel (op-model.ts): `links` and `adverts`, the prepared BLE link and advertising
 *   parameters per rounded RSSI; `lastRssi`/`lastLink`, its last lookup of `links` (skipped
 *   together: a saved lastRssi with no lastLink would answer a lookup with nothing).
 * - DeviceIds (machines.ts): `hsFailed`, the device machine's `hs.failed` event id per reason.
 * - HandshakeTable (handshake-table.ts): `buckets`, the rows built per suite and link, and `lab`,
 *   the bench that builds them (rows come from streams keyed by seed, bucket and row: the same).
 * @module
 */
import type { Memos } from './checkpoint-state.ts';
import { DeviceIds } from './machines.ts';
import { OpModel } from './op-model.ts';
import { HandshakeTable } from './handshake-table.ts';

export const PARTITION_MEMOS: Memos = new Map<object, ReadonlySet<string>>([
  [OpModel.prototype, new Set(['links', 'adverts', 'lastRssi', 'lastLink'])],
  [DeviceIds.prototype, new Set(['hsFailed'])],
  [HandshakeTable.prototype, new Set(['buckets', 'lab'])],
]);
