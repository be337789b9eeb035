import { describe, expect, it } from 'vitest';
import { capacitySweep, requestSchedule, REQUEST_KINDS, simulateCloud, STATIONS } from '../../../sim/cloud/index.ts';
import { constantActivity, idleConfig, station } from './helpers.ts';

describe('capacitySweep', () => {
  const cfg = idleConfig();
  cfg.stations.telemetry = station(1, 100);
  const act = constantActivity(6 * 60, { unlocks: 600 }); // 10/s × 100 ms = 1 server of work

  it('finds the fewest servers whose worst daily p99 meets the target: one fewer does not', () => {
    const [row] = capacitySweep(act, cfg, 3, { p99Ms: 600, stations: ['telemetry'] });
    expect(row!.needed).not.toBeNull();
    const needed = row!.needed!;
    expect(needed).toBeGreaterThan(1);
    expect(row!.atNeeded.worstDayP99Ms).toBeLessThanOrEqual(600);
    const fewer = simulateCloud(act, { ...cfg, stations: { ...cfg.stations, telemetry: station(needed - 1, 100) } }, 3, { stations: ['telemetry'] });
    expect(fewer.summary.stations[0]!.worstDayP99Ms).toBeGreaterThan(600);
    expect(row!.servers).toBe(1);
    expect(row!.queueFull).toBe(0);
  });

  it('says null when even maxServers misses the target (service alone is slower than it)', () => {
    const [row] = capacitySweep(act, cfg, 3, { p99Ms: 50, stations: ['telemetry'], maxServers: 64 });
    expect(row!.needed).toBeNull();
    expect(row!.atNeeded.servers).toBe(64);
  });
});

describe('requestSchedule', () => {
  const cfg = idleConfig(3000);
  cfg.demand.telemetryBatchEvents = 5;
  cfg.demand.attestEveryHandshakes = 10;
  cfg.demand.otaChecksPerDevicePerDay = 1;
  cfg.demand.provisioning = { share: 1, startHour: 1, hours: 2 };
  cfg.ota = { atHour: 4, waves: [0.1, 0.2, 0.3, 0.4], waveIntervalHours: 2, herdMinutes: 10, downloadMs: { dist: 'constant', value: 100 }, deviceFailureRate: 0, haltRate: 0.02, waveDeadlineHours: 24 };
  const act = constantActivity(24 * 60, { unlocks: 20, handshakes: 20, wakes: 50 });

  it('holds exactly the arrivals the capacity model queued, sorted, provisioning each device once', () => {
    const s = requestSchedule(act, cfg, 11);
    const model = simulateCloud(act, cfg, 11);
    for (const st of STATIONS) {
      const n = st === 'ota' ? s.counts.ota + s.counts['ota.download'] : s.counts[st];
      expect(n).toBe(model.summary.stations.find((x) => x.station === st)!.requests);
    }
    expect(Math.abs(s.counts['ota.download'] - 3000)).toBeLessThan(4 * Math.sqrt(3000)); // Poisson around the herd size
    for (let i = 1; i < s.timeMs.length; i++) expect(s.timeMs[i]! >= s.timeMs[i - 1]!).toBe(true);
    const provisioned = [...s.device.filter((_, i) => s.kind[i] === 0)];
    expect(new Set(provisioned).size).toBe(provisioned.length);
    const firstProv = s.kind.indexOf(REQUEST_KINDS.indexOf('provisioning'));
    expect(s.timeMs[firstProv]).toBeGreaterThanOrEqual(3_600_000); // the window starts at hour 1
  });

  it('is the same for the same seed, and a window is a slice of the whole', () => {
    const a = requestSchedule(act, cfg, 11);
    const b = requestSchedule(act, cfg, 11);
    expect(Buffer.from(b.timeMs.buffer).equals(Buffer.from(a.timeMs.buffer))).toBe(true);
    expect(Buffer.from(b.device.buffer).equals(Buffer.from(a.device.buffer))).toBe(true);
    const w = requestSchedule(act, cfg, 11, { fromMs: 3_600_000, toMs: 7_200_000 });
    const inWindow = a.timeMs.filter((t) => t >= 3_600_000 && t < 7_200_000);
    expect([...w.timeMs]).toEqual([...inWindow]);
  });
});
