/**
 * A realistic, deterministic RunResult for report and dashboard tests and the report bench: a
 * fleet of keychains over some days with plausible battery drain, unlock latency, handshake
 * phases and failures. Same options ⇒ byte-identical result (own seeded PRNG, no clock).
 * @module
 */
import type { DailyRow, RunResult, SocSample, TelemetryEvent } from '../../results/index.ts';

export interface FixtureOptions {
  devices?: number;
  days?: number;
  seed?: number;
  suite?: string;
  runId?: string;
  /** Multiplies the handshake's crypto/radio cost (1024-level suites cost more). Defaults to 1. */
  handshakeCost?: number;
  /** Devices traced in full detail (SoC samples, telemetry). Defaults to 8. */
  sampled?: number;
}

/** mulberry32: tiny, well-mixed, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const REASONS = ['ble.timeout', 'proximity.lost', 'auth.rejected', 'brownout'] as const;
const STATES = ['deepSleep', 'lightSleep', 'idle', 'active', 'radio'] as const;

function pct(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (i - lo);
}

export function fixtureRun(options: FixtureOptions = {}): RunResult {
  const n = options.devices ?? 36;
  const days = options.days ?? 14;
  const seed = options.seed ?? 7;
  const suite = options.suite ?? 'mlkem768-mldsa44-hybrid-aesgcm';
  const cost = options.handshakeCost ?? 1;
  const sampled = Math.min(n, options.sampled ?? 8);
  const rand = prng(seed);

  const capacityMah = new Float64Array(n);
  const lifeDays = new Float64Array(n);
  const depletedDay = new Float64Array(n).fill(NaN);
  const finalSoc = new Float64Array(n);
  const unlocks = new Uint32Array(n);
  const handshakes = new Uint32Array(n);
  const failures = new Uint32Array(n);
  const energyMj = new Float64Array(n);
  const unlocksPerDay = new Float64Array(n);
  const drainPerDay = new Float64Array(n);
  const startSoc = new Float64Array(n);

  // A 200 mAh cell at 3.7 V holds ~2.66 MJ... in mJ: 200 mAh * 3.7 V * 3600 = 2,664,000 mJ.
  for (let i = 0; i < n; i++) {
    capacityMah[i] = 200 * (1 + 0.04 * normal(rand));
    unlocksPerDay[i] = Math.max(1, 8 * Math.exp(0.6 * normal(rand)));
    const sleepMjPerDay = 4200 * (1 + 0.05 * normal(rand));
    const perUnlockMj = 300 * cost * (1 + 0.1 * normal(rand));
    const mjPerDay = sleepMjPerDay + unlocksPerDay[i]! * perUnlockMj;
    const capacityMj = capacityMah[i]! * 3.7 * 3.6 * 1000;
    drainPerDay[i] = mjPerDay / capacityMj;
    // Some keychains start the run already partly discharged: they brown out within short runs.
    startSoc[i] = i % 12 === 5 ? 0.01 + 0.025 * rand() : 0.85 + 0.15 * rand();
  }

  const daily: DailyRow[] = [];
  const socSamples: SocSample[] = [];
  const soc = Float64Array.from(startSoc);
  for (let d = 0; d < days; d++) {
    const row: DailyRow = {
      day: d, socP5: 0, socP50: 0, socP95: 0, alive: 0, unlocks: 0, handshakes: 0,
      failures: Object.fromEntries(REASONS.map((r) => [r, 0])),
      energyMjByState: Object.fromEntries(STATES.map((s) => [s, 0])),
      outcomes: {},
    };
    const alive: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(depletedDay[i]!)) continue;
      const weekday = d % 7 < 5 ? 1.15 : 0.6;
      const u = Math.round(unlocksPerDay[i]! * weekday * (0.7 + 0.6 * rand()));
      const capacityMj = capacityMah[i]! * 3.7 * 3.6 * 1000;
      const used = drainPerDay[i]! * (0.9 + 0.2 * rand()) * (u / Math.max(1, unlocksPerDay[i]!) * 0.3 + 0.7);
      soc[i] = soc[i]! - used;
      const mj = used * capacityMj;
      energyMj[i] = energyMj[i]! + mj;
      row.energyMjByState.deepSleep! += mj * 0.55;
      row.energyMjByState.lightSleep! += mj * 0.08;
      row.energyMjByState.idle! += mj * 0.07;
      row.energyMjByState.active! += mj * 0.18;
      row.energyMjByState.radio! += mj * 0.12;
      unlocks[i] = unlocks[i]! + u;
      handshakes[i] = handshakes[i]! + u;
      row.unlocks += u;
      row.handshakes += u;
      let f = 0;
      for (let k = 0; k < u; k++) if (rand() < 0.025) f++;
      for (let k = 0; k < f; k++) {
        const r = REASONS[Math.floor(rand() * 3)]!;
        row.failures[r]! += 1;
      }
      failures[i] = failures[i]! + f;
      if (soc[i]! <= 0) {
        soc[i] = 0;
        depletedDay[i] = d + rand();
        row.failures.brownout! += 1;
        failures[i] = failures[i]! + 1;
      } else {
        alive.push(soc[i]!);
      }
      if (i < sampled) {
        socSamples.push({ device: i, day: d + 1, soc: Math.round(soc[i]! * 1e4) / 1e4, brownout: soc[i] === 0 });
      }
    }
    alive.sort((a, b) => a - b);
    row.alive = alive.length;
    // The fixture's intents are its unlock attempts: those without a unlock-path failure unlocked.
    const unserved = ['ble.timeout', 'proximity.lost', 'auth.rejected'].map((r) => [`failed:${r}`, row.failures[r] ?? 0] as const).filter(([, c]) => c > 0);
    row.outcomes = { unlocked: row.unlocks - unserved.reduce((x, [, c]) => x + c, 0), ...Object.fromEntries(unserved) };
    row.socP5 = pct(alive, 0.05);
    row.socP50 = pct(alive, 0.5);
    row.socP95 = pct(alive, 0.95);
    daily.push(row);
  }

  for (let i = 0; i < n; i++) {
    finalSoc[i] = soc[i]!;
    // As the simulator reports it: a keychain that browned out within the run has its observed life.
    lifeDays[i] = Number.isNaN(depletedDay[i]!) ? 1 / drainPerDay[i]! : depletedDay[i]!;
  }

  const telemetry: TelemetryEvent[] = [];
  const msPerDay = 86_400_000;
  for (let i = 0; i < sampled; i++) {
    const per = Math.min(40, Math.round(unlocksPerDay[i]!));
    for (let d = 0; d < days; d++) {
      for (let k = 0; k < per; k++) {
        const timeMs = d * msPerDay + Math.floor(rand() * msPerDay);
        const hsMs = 180 * cost * Math.exp(0.18 * normal(rand)) + 40;
        const ok = rand() > 0.03;
        telemetry.push({
          device: i, timeMs, eventType: 'handshake', success: ok, latencyMs: Math.round(hsMs * 10) / 10,
          rssi: Math.round(-60 - 12 * rand()), sessionKdf: 'hybrid-v1', suite, reason: ok ? '' : 'ble.timeout', soc: 0.5,
        });
        telemetry.push({
          device: i, timeMs: timeMs + hsMs, eventType: 'unlock_attempt', success: ok,
          latencyMs: Math.round((hsMs + 90 + 120 * rand() ** 3) * 10) / 10,
          rssi: Math.round(-60 - 12 * rand()), sessionKdf: 'hybrid-v1', suite, reason: ok ? '' : 'ble.timeout', soc: 0.5,
        });
      }
    }
  }
  telemetry.sort((a, b) => a.timeMs - b.timeMs || a.device - b.device);

  const sortedLife = Float64Array.from(lifeDays).sort();
  const est = (q: number) => {
    const v = pct(sortedLife, q);
    const w = (v * 0.6) / Math.sqrt(n);
    return { value: v, lo: v - w, hi: v + w };
  };
  const unlockLat = telemetry.filter((e) => e.eventType === 'unlock_attempt').map((e) => e.latencyMs).sort((a, b) => a - b);
  const hsLat = telemetry.filter((e) => e.eventType === 'handshake').map((e) => e.latencyMs).sort((a, b) => a - b);
  const perc = (xs: number[]) => ({
    count: xs.length, mean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length),
    p50: pct(xs, 0.5), p95: pct(xs, 0.95), p99: pct(xs, 0.99),
  });
  const totalFail: Record<string, number> = {};
  for (const row of daily) for (const [k, v] of Object.entries(row.failures)) totalFail[k] = (totalFail[k] ?? 0) + v;
  const deviceDays = daily.reduce((a, r) => a + r.alive, 0) || 1;
  const energyPerDay: Record<string, number> = {};
  for (const row of daily) for (const [k, v] of Object.entries(row.energyMjByState)) energyPerDay[k] = (energyPerDay[k] ?? 0) + v / deviceDays;
  const totalUnlocks = daily.reduce((a, r) => a + r.unlocks, 0);
  const runId = options.runId ?? `fixture-${suite}-${n}x${days}-s${seed}`;
  const depleted = depletedDay.filter((v) => !Number.isNaN(v)).length;

  return {
    manifest: {
      runId, scenario: { name: 'office-fleet', path: 'scenarios/office-fleet.yaml', sha256: '0'.repeat(64) },
      seed, devices: n, durationDays: days, profile: 'esp32s3-atecc608b-200mah', codeVersion: 'fixture',
      node: 'v20.20.2', deps: { '@observablehq/plot': '0.6.17' }, workers: 1, simStart: '2026-01-05T00:00:00.000Z',
      startedAt: '2026-11-28T10:00:00.000Z', wallMs: 1234, eventsPerSecond: 4.2e6,
    },
    summary: {
      scenario: 'office-fleet', seed, devices: n, durationDays: days, profile: 'esp32s3-atecc608b-200mah',
      suites: { [suite]: n },
      battery: {
        depleted, censored: n - depleted,
        lifeDays: { p5: est(0.05), p50: est(0.5), p95: est(0.95), mean: sortedLife.reduce((a, b) => a + b, 0) / n },
        finalSocMean: finalSoc.reduce((a, b) => a + b, 0) / n,
      },
      unlocks: {
        intents: totalUnlocks,
        outcomes: {
          unlocked: totalUnlocks - (totalFail['ble.timeout'] ?? 0) - (totalFail['proximity.lost'] ?? 0) - (totalFail['auth.rejected'] ?? 0),
          ...Object.fromEntries(['ble.timeout', 'proximity.lost', 'auth.rejected'].filter((r) => totalFail[r]).map((r) => [`failed:${r}`, totalFail[r]!])),
        },
        succeeded: totalUnlocks - (totalFail['ble.timeout'] ?? 0) - (totalFail['proximity.lost'] ?? 0) - (totalFail['auth.rejected'] ?? 0),
        latencyMs: perc(unlockLat),
      },
      handshake: {
        started: totalUnlocks, completed: totalUnlocks, failed: 0, timeMs: perc(hsLat),
        failedMeanTimeMsByPhase: { radio: 0, crypto: 0, secureElement: 0, other: 0 },
        failedMeanEnergyMjByPhase: { radio: 0, crypto: 0, secureElement: 0, other: 0 },
        meanTimeMsByPhase: { radio: 120 * cost, crypto: 38 * cost, secureElement: 52, other: 11 },
        meanEnergyMjByPhase: { radio: 9.1 * cost, crypto: 6.3 * cost, secureElement: 2.4, other: 0.7 },
      },
      energyMjPerDayByState: energyPerDay,
      failures: totalFail,
      events: totalUnlocks * 14,
    },
    devices: { count: n, suite: Array.from({ length: n }, () => suite), capacityMah, depletedDay, lifeDays, finalSoc, unlocks, handshakes, failures, energyMj },
    daily,
    socSamples,
    telemetry,
  };
}
