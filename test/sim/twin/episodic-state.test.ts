/**
 * The episodic streams held for one device at a time (sim/twin/partition-episodic.ts): a device
 * whose wake is still running gets its streams back exactly where it left them after other
 * devices drew, and a device at rest that draws again in the same episode is refused, not
 * silently re-seeded.
 */
import { describe, expect, it } from 'vitest';
import { createRng, StreamKeys } from '../../../sim/engine/index.ts';
import { Episodes, USE_STREAMS } from '../../../sim/twin/partition-episodes.ts';
import { Streams, type DeviceStreams } from '../../../sim/twin/partition-streams.ts';
import { F_SPENT } from '../../../sim/twin/partition-table.ts';

function make(n: number, awake: (j: number) => boolean) {
  const rows = new Episodes(n, 4);
  const flags = new Uint16Array(n);
  const s = new Streams(n, rows, flags, awake);
  const root = createRng(5);
  s.phone.useKeys(new StreamKeys(root, 'phone'), 0);
  s.radio.useKeys(new StreamKeys(root, 'radio'), 0);
  s.crypto.useKeys(new StreamKeys(root, 'crypto'), 0);
  return { s, rows, flags };
}

function draw(u: DeviceStreams, k: number, count: number): number[] {
  u.k = k;
  return Array.from({ length: count }, () => u.next());
}

describe('episodic streams held for one device at a time', () => {
  it("an awake device's streams survive other devices' draws (saved in its row, loaded back)", () => {
    const alone = make(3, () => true);
    alone.s.ep.newEpisode(0);
    const want = [...draw(alone.s.radio, 0, 3), ...draw(alone.s.crypto, 0, 2), ...draw(alone.s.radio, 0, 3), ...draw(alone.s.crypto, 0, 2)];

    const { s, rows } = make(3, () => true);
    s.ep.newEpisode(0);
    s.ep.newEpisode(1);
    const got = [...draw(s.radio, 0, 3), ...draw(s.crypto, 0, 2)];
    draw(s.radio, 1, 5);
    expect(rows.rowOf[0]).toBeGreaterThanOrEqual(0);
    expect(rows.uses[rows.rowOf[0]!]! & USE_STREAMS).toBe(USE_STREAMS);
    draw(s.phone, 2, 1);
    got.push(...draw(s.radio, 0, 3), ...draw(s.crypto, 0, 2));
    expect(got).toEqual(want);
    expect(rows.rowOf[0]).toBe(-1);
  });

  it('a device at rest drops its streams; a draw in the same episode throws, the next episode re-seeds', () => {
    const { s, flags } = make(2, () => false);
    s.ep.newEpisode(0);
    draw(s.radio, 0, 2);
    draw(s.radio, 1, 1);
    expect(flags[0]! & F_SPENT).toBe(F_SPENT);
    expect(() => draw(s.radio, 0, 1)).toThrow(/at rest.*dropped/);
    s.ep.newEpisode(0);
    const fresh = make(2, () => false);
    fresh.s.ep.newEpisode(0);
    fresh.s.ep.newEpisode(0);
    expect(draw(s.radio, 0, 4)).toEqual(draw(fresh.s.radio, 0, 4));
  });
});
