import { formatSummary } from '../../../cli/summary-table.ts';
import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { batteryCurrentMa, createCell, timeToCutoffMs } from '../../../sim/device/index.ts';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { quietFleet, smallFleet } from './fleet.helpers.ts';

const machines = compileTwinMachines();
const quiet = quietFleet;

describe('fleet battery physics', () => {
  it('a keychain that only sleeps browns out when the closed-form battery model says (within 0.5 %)', async () => {
    const profile = defaultProfile();
    const sleepMa = batteryCurrentMa(profile, 'deepSleep');
    const cell = createCell(profile, { temperatureC: 20, capacityFactor: 1 });
    const expectedDays = timeToCutoffMs(cell, cell.capacityMah, sleepMa) / 86_400_000;
    expect(expectedDays).toBeGreaterThan(100);
    const out = await runFleet(quiet(Math.ceil(expectedDays * 1.1)), { machines, workers: 0 });
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(out.devices.depletedDay[k]! / expectedDays - 1)).toBeLessThan(0.005);
    }
    expect(out.summary.battery.depleted).toBe(3);
    // Energy by state adds up to what the devices drew.
    const perDevice = Array.from(out.devices.energyMj).reduce((a, b) => a + b, 0);
    const byState = Object.values(out.summary.energyMjPerDayByState).reduce((a, b) => a + b, 0) * 3 * out.summary.durationDays;
    expect(Math.abs(byState / perDevice - 1)).toBeLessThan(1e-4);
  });

  it('a browned-out keychain stays off: no unlock after its brown-out day', async () => {
    const cfg = smallFleet({ devices: 4, durationDays: 30, traceDevices: 4 });
    const tiny = { ...cfg, behaviour: { ...cfg.behaviour, capacityFactor: { dist: 'constant' as const, value: 0.05 } } };
    const out = await runFleet(tiny, { machines, workers: 0 });
    expect(out.summary.battery.depleted).toBe(4);
    for (const e of out.telemetry) {
      const day = out.devices.depletedDay[e.device]!;
      if (e.eventType === 'unlock_attempt' && e.success) expect(e.timeMs / 86_400_000).toBeLessThan(day);
    }
    expect(out.telemetry.filter((e) => e.eventType === 'brownout')).toHaveLength(4);
  });

  it('a browned-out keychain draws its off current only until its cell is empty: no more energy than the cell held', async () => {
    // Small cells (10 mAh) brown out within days; 200 days after, the off current (7.6 µA, 0.18 mAh a
    // day) would have drawn ≈ 3× what is left below the cutoff if it never stopped.
    const cfg = smallFleet({ devices: 6, durationDays: 200 });
    const tiny = { ...cfg, behaviour: { ...cfg.behaviour, capacityFactor: { dist: 'constant' as const, value: 0.05 } } };
    const out = await runFleet(tiny, { machines, workers: 0 });
    expect(out.summary.battery.depleted).toBe(6);
    const vNominal = cfg.profile.battery.vNominal.value;
    for (let k = 0; k < 6; k++) {
      // mJ / V = mC; 3,600 mC = 1 mAh.
      const drawnMah = out.devices.energyMj[k]! / vNominal / 3600;
      expect(drawnMah).toBeLessThanOrEqual(out.devices.capacityMah[k]!);
      expect(drawnMah).toBeGreaterThan(0.8 * out.devices.capacityMah[k]!);
    }
    // The last days, with every cell empty, book no energy at all.
    expect(out.daily.at(-1)!.energyMjByState).toEqual({});
    // The printed mean says which keychain-days it is over.
    expect(formatSummary(out.summary)).toContain("mean over all keychain-days of the run (6 keychains × 200 d), the 6 browned-out keychains' days after included");
  });

  it('a lossy radio produces link failures, attributed to reasons the device machine records', async () => {
    const cfg = smallFleet({ devices: 20, durationDays: 2 });
    const lossy = { ...cfg, radio: { ...cfg.radio, phy: '1M' as const, shadowingDb: 30, interferencePer: 0.1 } };
    const clean = await runFleet(cfg, { machines, workers: 0 });
    const bad = await runFleet(lossy, { machines, workers: 0 });
    const count = (f: Record<string, number>) => Object.values(f).reduce((a, b) => a + b, 0);
    expect(count(bad.summary.failures)).toBeGreaterThan(count(clean.summary.failures) + 10);
    expect(bad.summary.unlocks.succeeded / bad.summary.unlocks.intents).toBeLessThan(clean.summary.unlocks.succeeded / clean.summary.unlocks.intents);
    expect(bad.summary.handshake.timeMs.p95).toBeGreaterThan(clean.summary.handshake.timeMs.p95);
  });

  it('firmware releases are offered in background sessions and applied', async () => {
    const cfg = smallFleet({ devices: 10, durationDays: 20 });
    const out = await runFleet({ ...cfg, behaviour: { ...cfg.behaviour, ota: { everyDays: 10, imageBytes: 200_000 } } }, { machines, workers: 0 });
    expect(out.summary.ota!.applied).toBeGreaterThanOrEqual(10);
    expect(out.summary.ota!.applied).toBeLessThanOrEqual(out.summary.ota!.offered);
  });
});

describe('handshake steps', () => {
  it('lists the device-role states in protocol order, and their means add up to the handshake time', async () => {
    const out = await runFleet(smallFleet({ devices: 20, durationDays: 1 }), { machines, workers: 0 });
    const steps = out.summary.handshake.steps!;
    const names = steps.map((s) => s.state);
    expect(names.slice(0, 8)).toEqual(['awaitHello', 'rxHello', 'decapsulating', 'x25519Keygen', 'x25519Shared', 'signingPq', 'deriving', 'txServerHello']);
    const untilEstablished = steps.slice(0, names.indexOf('txReady') + 1).reduce((a, s) => a + s.meanMs, 0);
    expect(Math.abs(untilEstablished / out.summary.handshake.timeMs.mean - 1)).toBeLessThan(0.02);
    // Over one population (completed handshakes) the steps and the phases add up to the mean handshake time.
    const h = out.summary.handshake;
    expect(h.completed).toBe(h.timeMs.count);
    expect(steps.reduce((a, s) => a + s.completedMeanMs, 0)).toBeCloseTo(h.timeMs.mean, 2);
    const p = h.meanTimeMsByPhase;
    expect(p.radio + p.crypto + p.secureElement + p.other).toBeCloseTo(h.timeMs.mean, 2);
    expect(h.completed + h.failed).toBeLessThanOrEqual(h.started);
    expect(steps.find((s) => s.state === 'signingPq')!.op).toBe('mldsa.sign');
  });
});
