/**
 * Side tables whose rows grow (sim/twin/partition-episodes.ts) across a checkpoint: a table grown
 * past its first rows is restored at its saved size; a typed array of another length anywhere
 * else is still refused.
 */
import { describe, expect, it } from 'vitest';
import { restoreState, sharedObjects, snapshotState } from '../../../sim/twin/checkpoint-state.ts';
import { Episodes } from '../../../sim/twin/partition-episodes.ts';

const N = 50;
const STATES = 5;

describe('growable side tables in a checkpoint', () => {
  it('a table grown past its first rows is restored at its saved size, rows and contents', () => {
    const a = new Episodes(N, STATES);
    for (let k = 0; k < N; k += 2) a.t0[a.open(k)] = 1000 + k;
    expect(a.t0.length).toBeGreaterThan(new Episodes(N, STATES).t0.length);
    const shared = sharedObjects([]);
    const bytes = snapshotState({ ep: a }, shared, new Map(), { day: 1, lo: 0, hi: N });
    const b = new Episodes(N, STATES);
    restoreState({ ep: b }, shared, new Map(), bytes, { lo: 0, hi: N }, 'test');
    expect(b.rowOf).toEqual(a.rowOf);
    expect(b.t0).toEqual(a.t0);
    expect(b.stepUs.length).toBe(a.stepUs.length);
    // Rows taken after the restore are the same ones the uninterrupted table gives.
    for (let k = 1; k < N; k += 2) expect(b.open(k)).toBe(a.open(k));
  });

  it('a typed array of another length is refused outside a growable table', () => {
    const shared = sharedObjects([]);
    const bytes = snapshotState({ x: { a: new Int32Array(8) } }, shared, new Map(), { day: 1, lo: 0, hi: 1 });
    expect(() => restoreState({ x: { a: new Int32Array(4) } }, shared, new Map(), bytes, { lo: 0, hi: 1 }, 'test')).toThrow(/x\.a/);
  });
});
