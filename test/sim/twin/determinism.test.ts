import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { smallFleet } from './fleet.helpers.ts';

const machines = compileTwinMachines();
const json = (x: unknown) => JSON.stringify(x);

describe('fleet determinism', () => {
  it('runFleet() with the same scenario and seed gives a byte-identical summary, daily rows and telemetry', async () => {
    const cfg = smallFleet({ devices: 40, durationDays: 2 });
    const a = await runFleet(cfg, { machines, workers: 0 });
    const b = await runFleet(cfg, { machines, workers: 0 });
    expect(json(a.summary)).toBe(json(b.summary));
    expect(json(a.daily)).toBe(json(b.daily));
    expect(json(a.telemetry)).toBe(json(b.telemetry));
    expect(a.summary.events).toBeGreaterThan(1000);
  });

  it('runFleet() with another seed gives different traces', async () => {
    const a = await runFleet(smallFleet({ devices: 40, durationDays: 2, seed: 1 }), { machines, workers: 0 });
    const b = await runFleet(smallFleet({ devices: 40, durationDays: 2, seed: 2 }), { machines, workers: 0 });
    expect(json(a.telemetry)).not.toBe(json(b.telemetry));
    expect(a.summary.events).not.toBe(b.summary.events);
  });

  it('runFleet() gives the same summary in this thread and on 1 or 3 bundled workers', async () => {
    const cfg = smallFleet({ devices: 30, durationDays: 2, seed: 'split' });
    const inThread = await runFleet(cfg, { machines, workers: 0 });
    const one = await runFleet(cfg, { workers: 1 });
    const three = await runFleet(cfg, { workers: 3 });
    expect(json(one.summary)).toBe(json(inThread.summary));
    expect(json(three.summary)).toBe(json(inThread.summary));
    expect(json(three.daily)).toBe(json(inThread.daily));
    expect(json(three.telemetry)).toBe(json(inThread.telemetry));
    expect(Array.from(three.activity.unlocks)).toEqual(Array.from(inThread.activity.unlocks));
  });

  it("a device's life does not depend on how many other devices the fleet has", async () => {
    const small = await runFleet(smallFleet({ devices: 5, durationDays: 2 }), { machines, workers: 0 });
    const large = await runFleet(smallFleet({ devices: 25, durationDays: 2 }), { machines, workers: 0 });
    for (const col of ['unlocks', 'handshakes', 'energyMj', 'finalSoc'] as const) {
      expect(Array.from(large.devices[col]).slice(0, 5)).toEqual(Array.from(small.devices[col]));
    }
  });
});
