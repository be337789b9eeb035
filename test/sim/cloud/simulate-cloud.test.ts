import { describe, expect, it } from 'vitest';
import { planRollout, simulateCloud, STATIONS, type CloudConfig } from '../../../sim/cloud/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import { constantActivity, idleConfig, station } from './helpers.ts';

const DAY_MIN = 24 * 60;

function ota(overrides: Partial<NonNullable<CloudConfig['ota']>> = {}): NonNullable<CloudConfig['ota']> {
  return {
    atHour: 2, waves: [0.01, 0.09, 0.3, 0.6], waveIntervalHours: 4, herdMinutes: 20,
    downloadMs: { dist: 'lognormal', median: 300, sigma: 0.3 }, deviceFailureRate: 0.001, haltRate: 0.02, waveDeadlineHours: 24,
    ...overrides,
  };
}

describe('simulateCloud: arrivals derived from fleet activity', () => {
  it('uploads one telemetry batch per telemetryBatchEvents unlocks + failures', () => {
    const cfg = idleConfig();
    cfg.demand.telemetryBatchEvents = 10;
    cfg.stations.telemetry = station(4, 5);
    const r = simulateCloud(constantActivity(DAY_MIN, { unlocks: 90, failures: 10 }), cfg, 1);
    const t = r.summary.stations.find((s) => s.station === 'telemetry')!;
    const expected = (DAY_MIN * 100) / 10;
    expect(Math.abs(t.requests - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(r.summary.stations.find((s) => s.station === 'attestation')!.requests).toBe(0);
  });

  it('issues an attestation challenge per N handshakes and provisions the share of the fleet in its window', () => {
    const cfg = idleConfig(5000);
    cfg.demand.attestEveryHandshakes = 20;
    cfg.demand.provisioning = { share: 0.5, startHour: 3, hours: 2 };
    cfg.stations.provisioning = station(8, 50);
    const r = simulateCloud(constantActivity(DAY_MIN, { handshakes: 40 }), cfg, 2);
    const a = r.summary.stations.find((s) => s.station === 'attestation')!;
    expect(Math.abs(a.requests - DAY_MIN * 2)).toBeLessThan(4 * Math.sqrt(DAY_MIN * 2));
    const p = r.hourly.filter((h) => h.station === 'provisioning');
    const inWindow = p.filter((h) => h.hour === 3 || h.hour === 4).reduce((s, h) => s + h.requests, 0);
    expect(p.filter((h) => h.hour < 3 || h.hour > 4).every((h) => h.requests === 0)).toBe(true);
    expect(Math.abs(inWindow - 2500)).toBeLessThan(4 * Math.sqrt(2500));
  });

  it('follows the fleet wakes for routine OTA checks', () => {
    const cfg = idleConfig(10_000);
    cfg.demand.otaChecksPerDevicePerDay = 2;
    const act = constantActivity(DAY_MIN, {});
    for (let b = 9 * 60; b < 17 * 60; b++) act.wakes[b] = 100; // only office hours
    const r = simulateCloud(act, cfg, 3);
    const o = r.hourly.filter((h) => h.station === 'ota');
    expect(o.filter((h) => h.hour < 9 || h.hour >= 17).every((h) => h.requests === 0)).toBe(true);
    const total = o.reduce((s, h) => s + h.requests, 0);
    expect(Math.abs(total - 20_000)).toBeLessThan(4 * Math.sqrt(20_000));
  });
});

describe('simulateCloud: limits', () => {
  it('rejects beyond the rate limit (token bucket) and reconciles requests = served + rejected + queued', () => {
    const cfg = idleConfig();
    cfg.stations.telemetry = station(64, 1, { rateLimitPerS: 10 });
    const r = simulateCloud(constantActivity(60, { unlocks: 6000 }), cfg, 4); // 100/s offered
    const t = r.summary.stations.find((s) => s.station === 'telemetry')!;
    expect(t.rateLimited / t.requests).toBeGreaterThan(0.88);
    expect(t.served / 3600).toBeGreaterThan(9.9);
    expect(t.served / 3600).toBeLessThan(10.1);
    expect(t.requests).toBe(t.served + t.rateLimited + t.queueFull + t.queuedAtEnd);
  });

  it('rejects when the waiting room is full and never queues more than the limit', () => {
    const cfg = idleConfig();
    cfg.stations.telemetry = station(1, 1000, { queueLimit: 5 });
    const r = simulateCloud(constantActivity(120, { unlocks: 120 }), cfg, 5); // ρ = 2
    const t = r.summary.stations.find((s) => s.station === 'telemetry')!;
    expect(t.maxQueue).toBe(5);
    expect(t.queueFull).toBeGreaterThan(t.requests * 0.4);
    expect(t.requests).toBe(t.served + t.rateLimited + t.queueFull + t.queuedAtEnd);
    expect(r.daily.find((d) => d.station === 'telemetry')!.rejected).toBe(t.queueFull);
  });
});

describe('simulateCloud: OTA rollout on the models/cloud rollout machine', () => {
  it('runs canary + 3 waves and turns each into a herd of checks and downloads', () => {
    const cfg = idleConfig(100_000);
    cfg.stations.ota = station(200, 5);
    cfg.ota = ota();
    const r = simulateCloud(constantActivity(DAY_MIN, {}), cfg, 6);
    const plan = r.summary.rollout!;
    expect(plan.state).toBe('complete');
    expect(plan.waves.map((w) => w.devices)).toEqual([1000, 9000, 30000, 60000]);
    expect(plan.waves.map((w) => w.startMs / 3_600_000)).toEqual([2, 6, 10, 14]);
    const o = r.summary.stations.find((s) => s.station === 'ota')!;
    // Each device fetches the manifest and the image: 2 requests.
    expect(Math.abs(o.requests - 200_000)).toBeLessThan(4 * Math.sqrt(200_000));
    const herdHour = r.hourly.find((h) => h.station === 'ota' && h.hour === 14)!;
    expect(herdHour.requests).toBeGreaterThan(100_000);
  });

  it('halts after the canary when updates fail too often: later waves never download', () => {
    const cfg = idleConfig(100_000);
    cfg.ota = ota({ deviceFailureRate: 0.2 });
    const plan = planRollout(cfg.ota, 100_000, 3 * 86_400_000, createRng(1));
    expect(plan.state).toBe('halted');
    expect(plan.haltReason).toBe('failureRate');
    expect(plan.waves).toHaveLength(1);
    expect(plan.waves[0]!.verdict).toBe('above');
    expect(plan.haltedAtMs).toBe((2 + 4) * 3_600_000);
  });

  it('halts on the machine’s wave deadline when verdicts come too late', () => {
    const plan = planRollout(ota({ waveIntervalHours: 30, waveDeadlineHours: 24 }), 1000, 5 * 86_400_000, createRng(1));
    expect(plan.state).toBe('halted');
    expect(plan.haltReason).toBe('deadline');
    expect(plan.haltedAtMs).toBe((2 + 24) * 3_600_000);
    expect(plan.waves[0]!.verdict).toBeNull();
  });
});

describe('simulateCloud: outputs and determinism', () => {
  const cfg = idleConfig(2000);
  cfg.demand.telemetryBatchEvents = 5;
  cfg.demand.attestEveryHandshakes = 10;
  cfg.demand.policyPushesPerDevicePerDay = 0.1;
  cfg.demand.otaChecksPerDevicePerDay = 1;
  cfg.demand.provisioning = { share: 1, startHour: 0, hours: 8 };
  const act = constantActivity(2 * DAY_MIN, { unlocks: 10, handshakes: 10, wakes: 30 });

  it('gives one daily row per (day, station) in the dashboard row shape', () => {
    const r = simulateCloud(act, cfg, 9);
    expect(r.daily).toHaveLength(2 * STATIONS.length);
    expect(r.hourly).toHaveLength(48 * STATIONS.length);
    for (const row of r.daily) expect(Object.keys(row).sort()).toEqual(['day', 'p50Ms', 'p99Ms', 'rejected', 'requests', 'station', 'utilisation']);
    const dayReq = r.daily.filter((d) => d.station === 'policy').reduce((s, d) => s + d.requests, 0);
    expect(dayReq).toBe(r.summary.stations.find((s) => s.station === 'policy')!.requests);
  });

  it('is identical for the same seed and differs for another', () => {
    const a = JSON.stringify(simulateCloud(act, cfg, 9));
    expect(JSON.stringify(simulateCloud(act, cfg, 9))).toBe(a);
    expect(JSON.stringify(simulateCloud(act, cfg, 10))).not.toBe(a);
  });

  it('gives a station the same numbers whether or not the others are simulated', () => {
    const all = simulateCloud(act, cfg, 9).summary.stations.find((s) => s.station === 'attestation');
    const one = simulateCloud(act, cfg, 9, { stations: ['attestation'] }).summary.stations[0];
    expect(one).toEqual(all);
  });

  it('names the bad field of a bad config', () => {
    const bad = idleConfig();
    bad.stations.ota.servers = 0;
    bad.demand.telemetryBatchEvents = Number.NaN;
    expect(() => simulateCloud(act, bad, 1)).toThrow(/cloud\.stations\.ota\.servers: expected an integer >= 1, got 0[\s\S]*cloud\.demand\.telemetryBatchEvents/);
  });
});
