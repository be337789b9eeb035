/**
 * A small but realistic RunResult for store tests: typed-array device columns with NaN where a
 * device survived, a few simulated days, SoC samples and telemetry events of sampled devices.
 * Seeded, so every test builds the same result for the same options.
 * @module
 */
import type { RunResult, TelemetryEvent } from '../../results/index.ts';

export interface FixtureOptions {
  runId?: string;
  devices?: number;
  days?: number;
  /** Telemetry events per sampled device per day. */
  eventsPerDay?: number;
  sampledDevices?: number;
  seed?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUITES = ['mlkem768-mldsa44-hybrid-aesgcm', 'mlkem512-mldsa44-hybrid-xchacha'];
const REASONS = ['timeout', 'ble_disconnect', 'auth_failed'];
const STATES = ['deepSleep', 'idle', 'active', 'radio'];

export function makeRunResult(o: FixtureOptions = {}): RunResult {
  const n = o.devices ?? 12;
  const days = o.days ?? 5;
  const perDay = o.eventsPerDay ?? 6;
  const sampled = Math.min(n, o.sampledDevices ?? 3);
  const seed = o.seed ?? 7;
  const rnd = mulberry32(seed);
  const runId = o.runId ?? `fixture-${seed}-${n}x${days}`;
  const suite = Array.from({ length: n }, (_, i) => SUITES[i % 2]!);
  const capacityMah = Float64Array.from({ length: n }, () => 150 + Math.round(rnd() * 50));
  const depletedDay = Float64Array.from({ length: n }, (_, i) => (i % 5 === 4 ? 1 + rnd() * (days - 1) : NaN));
  const lifeDays = Float64Array.from({ length: n }, (_, i) => (Number.isNaN(depletedDay[i]!) ? 200 + rnd() * 100 : depletedDay[i]!));
  const finalSoc = Float64Array.from({ length: n }, (_, i) => (Number.isNaN(depletedDay[i]!) ? 0.2 + rnd() * 0.7 : 0));
  const unlocks = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 40));
  const handshakes = Uint32Array.from(unlocks, (u) => u + 1);
  const failures = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 3));
  const energyMj = Float64Array.from({ length: n }, () => 1e5 * (1 + rnd()));
  const daily = Array.from({ length: days }, (_, day) => ({
    day,
    socP5: 0.9 - day * 0.05 - rnd() * 0.01,
    socP50: 0.95 - day * 0.03,
    socP95: 0.99 - day * 0.01,
    alive: n - (day > 2 ? 1 : 0),
    unlocks: 10 * n + day,
    handshakes: 11 * n + day,
    failures: Object.fromEntries(REASONS.map((r, k) => [r, (day + k) % 3])),
    energyMjByState: Object.fromEntries(STATES.map((s, k) => [s, 1000 * (k + 1) + rnd()])),
    outcomes: { unlocked: 10 * n + day, phoneNotInRange: 2 },
  }));
  const socSamples = [];
  for (let d = 0; d < sampled; d++) {
    for (let k = 0; k <= days * 4; k++) socSamples.push({ device: d, day: k / 4, soc: Math.max(0, 1 - k * 0.01 - rnd() * 0.001), brownout: false });
  }
  const telemetry: TelemetryEvent[] = [];
  for (let day = 0; day < days; day++) {
    for (let d = 0; d < sampled; d++) {
      for (let k = 0; k < perDay; k++) {
        const ok = rnd() > 0.1;
        telemetry.push({
          device: d,
          timeMs: day * 86_400_000 + k * 3_600_000 + rnd() * 1000 + 0.125,
          eventType: k % 3 === 0 ? 'handshake' : 'unlock_attempt',
          success: ok,
          latencyMs: 150 + rnd() * 80,
          rssi: -60 - Math.round(rnd() * 30),
          sessionKdf: 'hybrid-v1',
          suite: suite[d]!,
          reason: ok ? '' : REASONS[k % 3]!,
          soc: 1 - day * 0.04,
        });
      }
    }
  }
  const pct = { count: 100, mean: 180.5, p50: 175.25, p95: 220.125, p99: 260.0625 };
  return {
    manifest: {
      runId,
      scenario: { name: 'fixture-fleet', path: 'scenarios/fixture.yaml', sha256: 'ab'.repeat(32) },
      seed,
      devices: n,
      durationDays: days,
      profile: 'esp32s3-atecc608b',
      codeVersion: 'test-0000000',
      node: 'v20.20.2',
      deps: { xstate: '5.33.3' },
      workers: 1,
      simStart: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-11-28T10:00:00.000Z',
      wallMs: 1234.5,
      eventsPerSecond: 3.1e6,
    },
    summary: {
      scenario: 'fixture-fleet',
      seed,
      devices: n,
      durationDays: days,
      profile: 'esp32s3-atecc608b',
      suites: { [SUITES[0]!]: Math.ceil(n / 2), [SUITES[1]!]: Math.floor(n / 2) },
      battery: {
        depleted: Math.floor(n / 5),
        censored: n - Math.floor(n / 5),
        lifeDays: { p5: { value: 3.5, lo: 3, hi: 4 }, p50: { value: 240.1, lo: 230, hi: 250 }, p95: { value: 290, lo: 280, hi: 300 }, mean: 231.7 },
        finalSocMean: 0.61,
      },
      unlocks: { intents: 400, outcomes: { unlocked: 380, phoneNotInRange: 12, 'failed:timeout': 8 }, succeeded: 380, latencyMs: pct },
      handshake: {
        started: 420,
        completed: 410,
        failed: 10,
        failedMeanTimeMsByPhase: { radio: 40, crypto: 0, secureElement: 0, other: 2.5 },
        failedMeanEnergyMjByPhase: { radio: 1, crypto: 0, secureElement: 0, other: 0.05 },
        timeMs: pct,
        meanTimeMsByPhase: { radio: 80.5, crypto: 40.25, secureElement: 30.125, other: 5 },
        meanEnergyMjByPhase: { radio: 2.5, crypto: 1.25, secureElement: 0.75, other: 0.1 },
      },
      energyMjPerDayByState: { deepSleep: 100.5, idle: 20, active: 50, radio: 75.25 },
      failures: { timeout: 7, ble_disconnect: 9, auth_failed: 4 },
      events: 123456,
    },
    devices: { count: n, suite, capacityMah, depletedDay, lifeDays, finalSoc, unlocks, handshakes, failures, energyMj },
    daily,
    socSamples,
    telemetry,
  };
}
