import { afterAll, describe, expect, it } from 'vitest';
import { FleetPool } from '../../../sim/twin/fleet-pool.ts';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { smallFleet } from './fleet.helpers.ts';

const json = (x: unknown) => JSON.stringify(x);

describe('FleetPool: many runs on a few long-lived threads', () => {
  const pools: FleetPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('runs submitted at once each give the summary, daily rows and telemetry of the run on threads of its own, and the threads start once', async () => {
    const cfgs = [1, 2, 3, 4, 5].map((seed) => smallFleet({ devices: 24, durationDays: 2, seed, handshakeTable: seed === 3 ? 64 : undefined }));
    const own = [];
    for (const [i, cfg] of cfgs.entries()) own.push(await runFleet(cfg, { workers: 1 + (i % 2) }));
    const pool = await FleetPool.open(2, 2);
    pools.push(pool);
    // Odd runs split in two partitions, so partitions of different runs interleave on the threads.
    const pooled = await Promise.all(cfgs.map((cfg, i) => runFleet(cfg, { workers: 1 + (i % 2), pool })));
    for (const [i, out] of pooled.entries()) {
      expect(json(out.summary)).toBe(json(own[i]!.summary));
      expect(json(out.daily)).toBe(json(own[i]!.daily));
      expect(json(out.telemetry)).toBe(json(own[i]!.telemetry));
    }
    expect(new Set(pooled.map((o) => json(o.summary))).size).toBe(cfgs.length);
    expect(pool.size).toBe(2);
    expect(pool.threadStarts).toBe(2);
  });

  it('a partition that fails rejects its run with the cause, and the pool replaces the thread and runs the next one', async () => {
    const pool = await FleetPool.open(1);
    pools.push(pool);
    const cfg = smallFleet({ devices: 10, durationDays: 1 });
    const broken = { ...cfg, profile: { ...cfg.profile, battery: undefined } } as unknown as typeof cfg;
    await expect(runFleet(broken, { pool })).rejects.toThrow(/selfDischargeRefTemp/);
    const after = await runFleet(cfg, { pool });
    expect(json(after.summary)).toBe(json((await runFleet(cfg, { workers: 1 })).summary));
    expect(pool.threadStarts).toBe(2);
  });

  it('is at most one thread per core, refuses a bad size, and a closed pool refuses work', async () => {
    expect(FleetPool.sizeFor(8, 2)).toBe(2);
    expect(FleetPool.sizeFor(1, 2)).toBe(1);
    expect(() => FleetPool.sizeFor(0)).toThrow(/threads must be a whole number ≥ 1, got 0/);
    const pool = await FleetPool.open(1);
    await pool.close();
    await expect(pool.partition(smallFleet({ devices: 2, durationDays: 1 }), 0, 2)).rejects.toThrow(/the pool is closed/);
  });

  it('a pooled run cannot checkpoint or stream days', async () => {
    const pool = await FleetPool.open(1);
    pools.push(pool);
    await expect(runFleet(smallFleet({ devices: 2, durationDays: 1 }), { pool, onDay: () => {} })).rejects.toThrow(/a pooled run cannot checkpoint or stream days/);
  });
});
