/**
 * A partition's complete state as bytes, and back: the state a checkpoint holds.
 *
 * Why a walk and not a hand-written list of fields: the partition's state is spread over a dozen
 * parts (device table, agenda, streams, result accumulators, live sampler, op models' scratch...)
 * that other work keeps changing; a list would silently miss a new field, and a missed field is
 * a resumed run that diverges. So the snapshot walks the partition's own fields depth-first in
 * declaration order and records every leaf by its path ('t.remMah', 'res.unlockLatency.counts'):
 *
 * - numbers, strings, booleans, null, undefined: the value;
 * - typed arrays: their contents (restored in place: parts alias the same arrays); a side table
 *   whose arrays grow with its rows (marked {@link GROWABLE}) owns them alone, so a saved array
 *   of another length replaces its array;
 * - arrays of plain data (telemetry rows, SoC samples, names): the whole array (restored in place);
 * - other objects and arrays: walked field by field (an object met twice is walked once);
 * - functions and undefined: skipped (code, e.g. the optional live callback, re-attached by
 *   construction; a field undefined on one side only is still refused, as a missing leaf);
 * - shared immutable inputs, everything reachable from the fleet config and the compiled
 *   machines: skipped, they are the same for the fresh partition that restores;
 * - memo caches (`Memos`, by class and field): skipped, a fresh partition refills them with the
 *   same values.
 *
 * Restoring walks a freshly constructed partition of the same config and devices the same way
 * and writes each recorded leaf into it; a leaf missing on either side, or of another kind or
 * length, is refused with its path (the code that wrote the checkpoint had other fields).
 * Determinism is the test (test/sim/twin/checkpoint.test.ts): a run stopped at a checkpoint and
 * resumed ends in a byte-identical summary.
 * @module
 */
import { deserialize, serialize } from 'node:v8';

/**
 * Memo caches of pure functions, as the class prototype that holds them and their field names
 * (checkpoint-memos.ts). By class, not by name alone: a field name can mean a cache in one class
 * and a counter in another. Any Map or Set that is not a memo is refused, so new state cannot
 * hide in one.
 */
export type Memos = ReadonlyMap<object, ReadonlySet<string>>;

/**
 * Marks an object whose typed arrays grow (side tables with rows taken and given back) and are
 * held by it alone: restoring may replace one with a saved array of another length.
 */
export const GROWABLE: unique symbol = Symbol('growable');

/** Format of the snapshot bytes (bump when the encoding, not the partition, changes). */
const SNAPSHOT_FORMAT = 1;

export class CheckpointStateError extends Error {
  readonly userFacing = true;
}

interface Snapshot {
  format: number;
  /** Days completed when the snapshot was taken. */
  day: number;
  lo: number;
  hi: number;
  leaves: Record<string, unknown>;
}

type TypedArray = NodeJS.TypedArray;

function isTyped(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function isPlainProto(v: object): boolean {
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** Primitives, typed arrays, and arrays / plain objects of those: copied whole, never walked. */
function isPlainData(v: unknown, depth = 0): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function' && typeof v !== 'symbol';
  if (depth > 8) return false;
  if (isTyped(v)) return true;
  if (Array.isArray(v)) return v.every((x) => isPlainData(x, depth + 1));
  return isPlainProto(v) && Object.values(v).every((x) => isPlainData(x, depth + 1));
}

/** Every object reachable from `roots` (the config and compiled machines): never saved. */
export function sharedObjects(roots: readonly unknown[]): WeakSet<object> {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue;
    seen.add(v);
    if (typeof v === 'function' || isTyped(v)) continue;
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return seen;
}

type Leaf = (path: string, holder: Record<string, unknown>, key: string, kind: 'value' | 'typed' | 'data') => void;

/** Depth-first over `root`'s own fields in declaration order, calling `leaf` for each leaf. */
function walk(root: object, shared: WeakSet<object>, memos: Memos, leaf: Leaf): void {
  const visited = new WeakSet<object>();
  const visit = (obj: object, path: string): void => {
    visited.add(obj);
    const holder = obj as Record<string, unknown>;
    const memo = memos.get(Object.getPrototypeOf(obj) as object);
    for (const key of Object.keys(obj)) {
      const v = holder[key];
      const p = path === '' ? key : `${path}.${key}`;
      if (memo?.has(key) || typeof v === 'function' || v === undefined) continue;
      if (v === null || typeof v !== 'object') {
        leaf(p, holder, key, 'value');
        continue;
      }
      if (shared.has(v) || visited.has(v)) continue;
      if (isTyped(v)) {
        // Parts alias the same arrays (t.devCfg is the device MachineRun's cfg): saved once.
        visited.add(v);
        leaf(p, holder, key, 'typed');
      }
      else if (v instanceof Map || v instanceof Set) throw new CheckpointStateError(`checkpoint: ${p} is a ${v.constructor.name} the snapshot does not know; add it to sim/twin/checkpoint-memos.ts if it is a memo cache, else hold the state in fields`);
      else if (Array.isArray(v) && isPlainData(v)) {
        visited.add(v);
        leaf(p, holder, key, 'data');
      } else visit(v, p);
    }
  };
  visit(root, '');
}

/** The partition `root` after `day` completed days, as bytes (v8 serialization of its leaves). */
export function snapshotState(root: object, shared: WeakSet<object>, memos: Memos, meta: { day: number; lo: number; hi: number }): Uint8Array {
  const leaves: Record<string, unknown> = {};
  walk(root, shared, memos, (path, holder, key) => {
    leaves[path] = holder[key];
  });
  const snap: Snapshot = { format: SNAPSHOT_FORMAT, ...meta, leaves };
  return serialize(snap);
}

/** The header of a snapshot (day, devices) without restoring it. */
export function readSnapshot(bytes: Uint8Array, where: string): Snapshot {
  let snap: Snapshot;
  try {
    snap = deserialize(bytes) as Snapshot;
  } catch (err) {
    throw new CheckpointStateError(`${where}: not a partition snapshot (${(err as Error).message})`);
  }
  if (snap === null || typeof snap !== 'object' || snap.format !== SNAPSHOT_FORMAT || typeof snap.leaves !== 'object') {
    throw new CheckpointStateError(`${where}: not a partition snapshot of format ${SNAPSHOT_FORMAT}`);
  }
  return snap;
}

function describe(v: unknown): string {
  if (isTyped(v)) return `${v.constructor.name}[${v.length}]`;
  if (Array.isArray(v)) return `array[${v.length}]`;
  return v === null ? 'null' : typeof v;
}

/**
 * Writes `bytes` (from snapshotState) into `root`, a fresh partition built from the same config
 * and machines for devices lo..hi−1. Returns the days the snapshot had completed.
 */
export function restoreState(root: object, shared: WeakSet<object>, memos: Memos, bytes: Uint8Array, expect: { lo: number; hi: number }, where: string): number {
  const snap = readSnapshot(bytes, where);
  if (snap.lo !== expect.lo || snap.hi !== expect.hi) throw new CheckpointStateError(`${where}: holds devices ${snap.lo}..${snap.hi - 1}, expected ${expect.lo}..${expect.hi - 1}`);
  const leaves = snap.leaves;
  const used = new Set<string>();
  const mismatch = (path: string, saved: unknown, here: unknown) =>
    new CheckpointStateError(`${where}: the saved state does not fit this code at ${path} (saved ${describe(saved)}, here ${describe(here)}); it was written by other code`);
  walk(root, shared, memos, (path, holder, key, kind) => {
    if (!(path in leaves)) throw new CheckpointStateError(`${where}: the saved state has nothing for ${path}; it was written by other code`);
    used.add(path);
    const saved = leaves[path];
    const here = holder[key];
    if (kind === 'value') {
      if (saved !== null && typeof saved === 'object') throw mismatch(path, saved, here);
      // Only when different: some leaves sit in frozen shared tables that hold the same value.
      if (!Object.is(saved, here)) holder[key] = saved;
    } else if (kind === 'typed') {
      const h = here as TypedArray;
      if (!isTyped(saved) || saved.constructor !== h.constructor) throw mismatch(path, saved, here);
      if (saved.length !== h.length) {
        if (!(holder as { [GROWABLE]?: boolean })[GROWABLE]) throw mismatch(path, saved, here);
        holder[key] = saved;
        return;
      }
      (h as unknown as { set(a: ArrayLike<number | bigint>): void }).set(saved as unknown as ArrayLike<number | bigint>);
    } else {
      if (!Array.isArray(saved)) throw mismatch(path, saved, here);
      const h = here as unknown[];
      if (Object.isFrozen(h)) {
        if (JSON.stringify(h) !== JSON.stringify(saved)) throw mismatch(path, saved, here);
      } else {
        h.length = 0;
        for (const x of saved) h.push(x);
      }
    }
  });
  const left = Object.keys(leaves).filter((p) => !used.has(p));
  if (left.length > 0) throw new CheckpointStateError(`${where}: the saved state has ${left.length} field(s) this code does not (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}); it was written by other code`);
  return snap.day;
}
