import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { meanDiscoveryDeterministicMs, SCAN_MODES } from '../../../sim/device/index.ts';
import { DEFAULT_DEVICE_TIMING } from '../../../models/device/device-types.ts';
import type { FleetConfig } from '../../../sim/twin/config.ts';
import { smallFleet } from './fleet.helpers.ts';

const machines = compileTwinMachines();
const fleet = (phoneScan: FleetConfig['behaviour']['phoneScan']) => {
  const cfg = smallFleet({ devices: 30, durationDays: 2 });
  return { ...cfg, behaviour: { ...cfg.behaviour, phoneScan } };
};

describe('the owner phone scan mode reaches discovery', () => {
  it('screen-off phones hear the keychain only when a scan window falls within its 3 s advertise window', async () => {
    const fast = (await runFleet(fleet({ 'android-low-latency': 1 }), { machines, workers: 0 })).summary.unlocks;
    const slow = (await runFleet(fleet({ 'android-screen-off': 1 }), { machines, workers: 0 })).summary.unlocks;
    const off = SCAN_MODES['android-screen-off'];
    // The device machine advertises for advertiseWindowMs (3 s, models/device): a scanner that
    // opens 512 ms every 10,240 ms catches it when its phase puts a window start within the 3 s
    // (less the phone app's reaction), i.e. with probability ≈ (W + 3000 − reaction) / I ≈ 0.29–0.34.
    const window = DEFAULT_DEVICE_TIMING.advertiseWindowMs;
    const ratio = slow.succeeded / slow.intents / (fast.succeeded / fast.intents);
    expect(ratio).toBeGreaterThan((off.windowMs + window - 1000) / off.intervalMs);
    expect(ratio).toBeLessThan((off.windowMs + window) / off.intervalMs + 0.06);
    // The unlocks that do succeed waited for a window: later on average than a continuous scanner.
    expect(slow.latencyMs.mean).toBeGreaterThan(fast.latencyMs.mean + 800);
    expect(meanDiscoveryDeterministicMs(25, off.windowMs, off.intervalMs)).toBeGreaterThan(window);
  });
});
