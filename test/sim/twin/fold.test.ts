import { describe, expect, it } from 'vitest';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { simulatePartition } from '../../../sim/twin/partition.ts';
import { partitionBounds } from '../../../sim/twin/partition-bounds.ts';
import type { PartitionResult } from '../../../sim/twin/partition-result.ts';
import { mergePartitions, PartitionFold } from '../../../sim/twin/partition-fold.ts';
import { assemble, assembleMerged } from '../../../sim/twin/simulate.ts';
import { smallFleet } from './fleet.helpers.ts';

const machines = compileTwinMachines();
const cfg = smallFleet({ devices: 37, durationDays: 3, seed: 'fold', traceDevices: 9 });
const bounds = partitionBounds(cfg.devices, 4);
const parts = bounds.slice(0, -1).map((lo, i) => simulatePartition(cfg, machines, lo, bounds[i + 1]!));
const json = (x: unknown) => JSON.stringify(x);

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

function fold(order: number[]): PartitionResult {
  const f = new PartitionFold(bounds);
  for (const p of order) f.add(p, parts[p]!);
  return f.result();
}

describe('PartitionFold (partitions merged as they arrive)', () => {
  it('folding in every arrival order gives the one-shot merge: every field, and a byte-identical output', () => {
    const oneShot = mergePartitions(parts);
    const reference = assemble(cfg, parts);
    const orders = permutations([0, 1, 2, 3]);
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const merged = fold(order);
      // The trace lists follow arrival order; assembly sorts them by device.
      const { socSamples, telemetry, ...rest } = merged;
      const { socSamples: refSoc, telemetry: refTel, ...refRest } = oneShot;
      expect(rest).toEqual(refRest);
      expect(socSamples).toHaveLength(refSoc.length);
      expect(telemetry).toHaveLength(refTel.length);
      const out = assembleMerged(cfg, merged);
      expect(json(out), `order ${order.join(',')}`).toBe(json(reference));
    }
    // The fleet did something, so equal outputs are not equal zeros.
    expect(reference.summary.events).toBeGreaterThan(1000);
    expect(reference.telemetry.length).toBeGreaterThan(0);
  });

  it('matches a whole-fleet run in one partition', () => {
    const whole = simulatePartition(cfg, machines, 0, cfg.devices);
    expect(json(assembleMerged(cfg, fold([2, 0, 3, 1])))).toBe(json(assemble(cfg, [whole])));
  });

  it('refuses a partition twice, a result of another range, an unknown field, and an incomplete result', () => {
    const f = new PartitionFold(bounds);
    f.add(1, parts[1]!);
    expect(f.has(1) && !f.has(0)).toBe(true);
    expect(() => f.add(1, parts[1]!)).toThrow(/folded twice/);
    expect(() => f.add(0, parts[2]!)).toThrow(/should cover devices 0\.\./);
    expect(() => f.result()).toThrow(/1 of 4 partitions folded/);
    const g = new PartitionFold(bounds);
    const extra = Object.assign(Object.create(Object.getPrototypeOf(parts[0]!) as object) as PartitionResult, parts[0]!, { newCounter: 1 });
    expect(() => g.add(0, extra)).toThrow(/field 'newCounter' is not merged/);
  });
});
