/**
 * Failed handshakes' time and energy by phase (summary.handshake.failed*ByPhase) are "until they
 * failed": a handshake cut by the device's timeout or a lost link in the middle of an operation
 * counts that operation's time as well as its energy (the energy was always in; the time of the
 * state it ended in was not, so radio showed hundreds of millijoules in 0 ms). In both modes.
 */
import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { loadScenario, resolveScenario } from '../../../scenarios/index.ts';
import { DEFAULT_DEVICE_TIMING } from '../../../models/device/index.ts';

const machines = compileTwinMachines();

describe('failed handshakes by phase', () => {
  for (const table of [0, 256]) {
    it(`${table ? 'from a table' : 'per operation'}: a phase with energy has time, and a failed handshake lasts no longer than the device's timeout`, async () => {
      const cfg = resolveScenario(loadScenario('scenarios/office-fleet.yaml'), { devices: 300, durationDays: 3, handshakeTable: table }).fleet;
      const h = (await runFleet(cfg, { machines, workers: 0 })).summary.handshake;
      expect(h.failed).toBeGreaterThan(5);
      const time = h.failedMeanTimeMsByPhase;
      const energy = h.failedMeanEnergyMjByPhase;
      for (const phase of ['radio', 'crypto', 'secureElement', 'other'] as const) {
        if (energy[phase] > 0.01) expect(time[phase], `${phase}: ${energy[phase]} mJ`).toBeGreaterThan(0);
      }
      const total = time.radio + time.crypto + time.secureElement + time.other;
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(DEFAULT_DEVICE_TIMING.handshakeTimeoutMs);
    }, 60_000);
  }
});
