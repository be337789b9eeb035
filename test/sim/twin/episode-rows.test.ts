/**
 * The episodic streams' side table (sim/twin/partition-episode-rows.ts): an episode's draws are
 * those of a stream seeded from (seed, purpose, device, episode) whatever rows other keychains
 * take and give back, and a table grown past its first rows survives a checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { createRng, seedIndexedInto, sfc32NextU32, StreamKeys } from '../../../sim/engine/index.ts';
import { restoreState, sharedObjects, snapshotState } from '../../../sim/twin/checkpoint-state.ts';
import { Streams } from '../../../sim/twin/partition-streams.ts';

const N = 50;
const LO = 1000;

function streams(): Streams {
  const s = new Streams(N);
  const root = createRng(42);
  s.phone.useKeys(new StreamKeys(root, 'phone'), LO);
  s.radio.useKeys(new StreamKeys(root, 'radio'), LO);
  s.crypto.useKeys(new StreamKeys(root, 'crypto'), LO);
  return s;
}

/** The first `count` uniforms of (purpose, device k, episode e), seeded directly. */
function reference(purpose: string, k: number, e: number, count: number): number[] {
  const key = new Int32Array(4);
  new StreamKeys(createRng(42), purpose).into(key, 0, LO + k);
  const st = new Int32Array(4);
  seedIndexedInto(st, 0, key, 0, e);
  return Array.from({ length: count }, () => (sfc32NextU32(st, 0) >>> 0) * 2.3283064365386963e-10);
}

describe('episodic stream rows', () => {
  it('an episode draws its own stream whatever rows other keychains take, release and reuse', () => {
    const s = streams();
    const got = new Map<string, number[]>();
    const draw = (k: number, p: 'phone' | 'radio' | 'crypto') => {
      const u = s[p];
      u.k = k;
      const id = `${p}:${k}:${s.rows.episode[k]}`;
      got.set(id, [...(got.get(id) ?? []), u.next()]);
    };
    // Keychains wake (a new episode, or the same one goes on), draw interleaved, then some rest
    // (row released: only when their next draw is a new episode's) and some stay awake into it.
    const wakes = (k: number, round: number) => (k + round) % 3 !== 0;
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < N; k++) if (wakes(k, round)) s.rows.episode[k]!++;
      for (let i = 0; i < 4; i++) for (let k = N - 1; k >= 0; k -= 1 + (i % 2)) draw(k, i % 3 === 0 ? 'phone' : i % 3 === 1 ? 'radio' : 'crypto');
      for (let k = 0; k < N; k += 2) if (wakes(k, round + 1)) s.rows.release(k);
    }
    expect(got.size).toBeGreaterThan(300);
    for (const [id, xs] of got) {
      const [p, k, e] = id.split(':');
      expect(xs, id).toEqual(reference(p!, Number(k), Number(e), xs.length));
    }
  });

  it('a table grown past its first rows is restored at its saved size, and draws continue the same', () => {
    const a = streams();
    for (let k = 0; k < N; k++) {
      a.rows.episode[k] = 3;
      a.radio.k = k;
      a.radio.next();
    }
    expect(a.rows.state.length).toBeGreaterThan(new Streams(N).rows.state.length);
    const shared = sharedObjects([]);
    const bytes = snapshotState({ s: a }, shared, new Map(), { day: 1, lo: LO, hi: LO + N });
    const b = streams();
    restoreState({ s: b }, shared, new Map(), bytes, { lo: LO, hi: LO + N }, 'test');
    expect(b.rows.state).toEqual(a.rows.state);
    for (let k = 0; k < N; k++) {
      a.radio.k = b.radio.k = k;
      expect(b.radio.next()).toBe(a.radio.next());
    }
  });

  it('a typed array of another length is refused outside a growable table', () => {
    const shared = sharedObjects([]);
    const bytes = snapshotState({ x: { a: new Int32Array(8) } }, shared, new Map(), { day: 1, lo: 0, hi: 1 });
    expect(() => restoreState({ x: { a: new Int32Array(4) } }, shared, new Map(), bytes, { lo: 0, hi: 1 }, 'test')).toThrow(/x\.a/);
  });
});
