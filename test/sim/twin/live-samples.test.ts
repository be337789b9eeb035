import { describe, expect, it } from 'vitest';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { simulatePartition } from '../../../sim/twin/partition.ts';
import type { DaySlice } from '../../../sim/twin/partition-result.ts';
import { smallFleet } from './fleet.helpers.ts';

describe('live day slices', () => {
  it('simulatePartition(onDay) samples latencies across the fleet: at most one per device per day, not the first devices only', () => {
    const cfg = smallFleet({ devices: 40, durationDays: 3 });
    const slices: DaySlice[] = [];
    const r = simulatePartition(cfg, compileTwinMachines(), 0, cfg.devices, { onDay: (s) => slices.push(s) });
    expect(slices.map((s) => s.day)).toEqual([1, 2, 3]);
    for (const s of slices) {
      // 40 devices with ~8 unlocks a day each: every device run through the day contributes one.
      expect(s.unlockLatencyMs.length).toBeLessThanOrEqual(40);
      expect(s.unlockLatencyMs.length).toBeGreaterThan(30);
      expect(s.handshakeLatencyMs.length).toBeGreaterThan(30);
      expect(s.unlocks).toBeGreaterThan(s.unlockLatencyMs.length);
      expect(s.lifeDays.length).toBe(40);
    }
    expect(slices.reduce((a, s) => a + s.unlocks, 0)).toBe(r.dayUnlocks.reduce((a, b) => a + b, 0));
  });
});
