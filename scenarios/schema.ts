/**
 * The Scenario type and its validator. A scenario says what to run: how many keychains, for how
 * long, with which suites, owner behaviour, radio conditions and profile. The validator works on
 * the parsed value and reports every problem as (field path, expected, got); the loader (load.ts)
 * turns each path into the file, line and column of the YAML. Unknown fields are errors with a
 * "did you mean", since a misspelt optional field would otherwise silently fall back to a default.
 * @module
 */
import { SUITE_IDS } from '../firmware/index.ts';
import { closestName } from '../firmware/profiles/index.ts';
import { validateDistributionSpec, type DistributionSpec } from '../sim/engine/index.ts';
import { DIURNAL_PRESETS, normaliseWeights } from './diurnal.ts';
import { parseDuration } from './duration.ts';
import { checkCloud, type ScenarioCloud } from './cloud-schema.ts';
import { checkFirmware, type ScenarioFirmware } from './firmware-schema.ts';
import { DAY_MS } from '../units/index.ts';
import { DEFAULT_HANDSHAKE_TABLE_ROWS, MIN_CAPACITY_FACTOR } from './config.ts';
import { failScanDuty, parsePhoneScan, type PhoneScanShares } from './phone-scan.ts';
import { checkInfluxUrl, checkStoreLocation, EMBEDDED_STORE } from './sinks.ts';

export type PathSegment = string | number;
export interface ScenarioIssue {
  readonly path: readonly PathSegment[];
  readonly expected: string;
  readonly got: string;
  /** Point at the key rather than the value (unknown fields), or at the parent (missing fields). */
  readonly at?: 'key' | 'parent';
}

export type LossModel =
  /** PER from RSSI through the profile's waterfall model, RSSI lowered by shadowing. */
  | { model: 'rssi'; shadowingDb: number; interferencePer: number }
  /** A fixed packet error rate, whatever the RSSI. */
  | { model: 'fixed'; per: number };

export interface Scenario {
  name: string;
  description: string;
  /** A fixed seed, or 'random' (explicit opt-in: the run draws one and records it). */
  seed: number | 'random';
  devices: number;
  /** As written (e.g. "7d"), and in ms. */
  duration: string;
  durationMs: number;
  /** Simulated time 0 (ISO 8601, UTC). */
  start: string;
  /** 'default' or a path (resolved against the scenario file's folder by the loader). */
  profile: string;
  fleet: {
    /** Suite id → share of the fleet (normalised to sum to 1). */
    suites: Record<string, number>;
    /** Per-device multiplier on the profile's cell capacity. */
    capacityFactor: DistributionSpec;
    /** Per-device cell temperature, °C. */
    temperatureC: DistributionSpec;
    /** Handshakes per operation or drawn from a table per suite and link. */
    handshakes: HandshakesSpec;
  };
  behaviour: {
    /** Per-device mean unlocks per day. */
    unlocksPerDay: DistributionSpec;
    /** 24 hourly weights summing to 1, and the preset name if one was used. */
    diurnal: { preset: string | null; weights: number[] };
    /** Share of wakes with the owner's phone in range, 0..1. */
    phoneInRange: number;
    /** Per-device mean motion wakes per day that are not unlocks (pocket jostles). */
    jostlesPerDay: DistributionSpec;
    /** RSSI of the phone at the keychain for a connection, dBm. */
    rssiDbm: DistributionSpec;
    /** Mean NFC taps per device per year after provisioning (Poisson). */
    nfcTapsPerYear: number;
    /** Firmware updates: every N days, image size; null for none. */
    ota: { everyDays: number; imageBytes: number } | null;
    /** Share of owners per phone scan mode (phone-scan.ts), normalised. */
    phoneScan: PhoneScanShares;
  };
  radio: {
    phy: '1M' | '2M';
    attMtu: number;
    connIntervalMs: number;
    packetsPerEvent: number;
    supervisionTimeoutMs: number;
    loss: LossModel;
  };
  /** Firmware strategies (firmware-schema.ts); the defaults are today's firmware. */
  firmware: ScenarioFirmware;
  sweep: SweepVariant[];
  /** Defaults for --store and --influx (sinks.ts); the command line wins. */
  sinks: {
    /** "pglite" (the embedded store), "none", a postgres:// URL, memory:// or a directory. */
    store: string;
    /** An InfluxDB URL as --influx takes it, or null for none. */
    influx: string | null;
  };
  /** The cloud capacity model (cloud-schema.ts), or null when the scenario has no `cloud:` section. */
  cloud: ScenarioCloud | null;
}

export interface SweepVariant {
  name: string;
  /** Dotted field path → value, applied to the base scenario. */
  set: Record<string, unknown>;
}

export const DEFAULT_START = '2026-01-01T00:00:00Z';
const MAX_DEVICES = 10_000_000;
const MAX_DURATION_MS = 20 * 365 * DAY_MS;

function show(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return x.length > 6 ? `a list of ${x.length}` : JSON.stringify(x);
  if (typeof x === 'object') return 'a mapping';
  return String(x);
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export class Checker {
  readonly issues: ScenarioIssue[] = [];
  fail(path: readonly PathSegment[], expected: string, got: unknown, at?: 'key' | 'parent', raw = false): void {
    this.issues.push({ path, expected, got: raw ? String(got) : show(got), ...(at ? { at } : {}) });
  }

  /** A mapping with only `allowed` keys (required ones must be present). */
  map(path: PathSegment[], x: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> | null {
    if (!isMap(x)) {
      this.fail(path, `a mapping with ${allowed.join(', ')}`, x);
      return null;
    }
    for (const k of Object.keys(x)) {
      if (allowed.includes(k)) continue;
      const near = closestName(k, allowed);
      this.fail([...path, k], `a known field (${near ? `did you mean "${near}"?` : `allowed: ${allowed.join(', ')}`})`, 'an unknown field', 'key', true);
    }
    for (const k of required) if (!(k in x)) this.fail([...path, k], `a value (required field)`, undefined, 'parent');
    return x;
  }

  num(path: PathSegment[], x: unknown, opts: { min?: number; max?: number; int?: boolean; what?: string }, fallback: number): number {
    if (x === undefined) return fallback;
    const { min = -Infinity, max = Infinity, int = false } = opts;
    const ok = typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max && (!int || Number.isInteger(x));
    if (!ok) {
      const range = min > -Infinity && max < Infinity ? ` in ${min}..${max}` : min > -Infinity ? ` >= ${min}` : max < Infinity ? ` <= ${max}` : '';
      this.fail(path, opts.what ?? `${int ? 'an integer' : 'a number'}${range}`, x);
      return fallback;
    }
    return x as number;
  }

  str(path: PathSegment[], x: unknown, fallback: string, what = 'a string'): string {
    if (x === undefined) return fallback;
    if (typeof x !== 'string' || x.length === 0) {
      this.fail(path, what, x);
      return fallback;
    }
    return x;
  }

  oneOf<T extends string>(path: PathSegment[], x: unknown, options: readonly T[], fallback: T): T {
    if (x === undefined) return fallback;
    if (typeof x !== 'string' || !options.includes(x as T)) {
      // Suggest only for longer names: for '3M' every short option is one edit away.
      const near = typeof x === 'string' && x.length > 3 ? closestName(x, options) : undefined;
      this.fail(path, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`, x);
      return fallback;
    }
    return x as T;
  }

  /** A distribution spec in the engine's form; a bare number is shorthand for a constant. */
  dist(path: PathSegment[], x: unknown, fallback: DistributionSpec, support?: { min?: number; max?: number }): DistributionSpec {
    if (x === undefined) return fallback;
    if (typeof x === 'number' && Number.isFinite(x)) x = { dist: 'constant', value: x };
    const problems = validateDistributionSpec(x, path.join('.'));
    for (const p of problems) {
      // The engine's message is "<path>[.<field>]: expected …, got …": keep its field path.
      const m = /^([^:]+): expected (.*), got (.*)$/.exec(p) ?? /^([^:]+): (.*)$/.exec(p);
      const sub = m?.[1]?.slice(path.join('.').length).split('.').filter(Boolean) ?? [];
      if (m && m.length === 4) this.fail([...path, ...sub], m[2]!, m[3]!, undefined, true);
      else this.fail(path, m?.[2] ?? p, 'an invalid distribution', undefined, true);
    }
    if (problems.length > 0) return fallback;
    const spec = x as DistributionSpec;
    if (support) checkSupport(this, path, spec, support);
    return spec;
  }
}

/** Rejects distributions that put their mass where the quantity cannot be (e.g. negative rates). */
function checkSupport(c: Checker, path: PathSegment[], spec: DistributionSpec, s: { min?: number; max?: number }): void {
  const lo = s.min ?? -Infinity;
  const hi = s.max ?? Infinity;
  const bad = (v: number) => v < lo || v > hi;
  const range = `${lo > -Infinity ? `>= ${lo}` : ''}${lo > -Infinity && hi < Infinity ? ' and ' : ''}${hi < Infinity ? `<= ${hi}` : ''}`;
  switch (spec.dist) {
    case 'constant':
      if (bad(spec.value)) c.fail([...path, 'value'], `a value ${range}`, spec.value);
      break;
    case 'uniform':
    case 'triangular':
      if (bad(spec.min) || bad(spec.max)) c.fail(path, `min and max ${range}`, `[${spec.min}, ${spec.max}]`, undefined, true);
      break;
    case 'normal':
      if (spec.mean - 3 * spec.sd < lo || spec.mean + 3 * spec.sd > hi)
        c.fail(path, `a normal within ${range} (mean ± 3 sd); use lognormal or gamma for a positive quantity`, `mean ${spec.mean}, sd ${spec.sd}`, undefined, true);
      break;
    case 'empirical':
      if (spec.values.some(bad)) c.fail([...path, 'values'], `values ${range}`, JSON.stringify(spec.values), undefined, true);
      break;
    case 'cdf':
      if (spec.points.some(([x]) => bad(x))) c.fail([...path, 'points'], `points with x ${range}`, JSON.stringify(spec.points), undefined, true);
      break;
    default:
      // exponential, lognormal, gamma, weibull, poisson, geometric, bernoulli: support within [0, ∞)
      if (lo > 0 || hi < Infinity) c.fail([...path, 'dist'], `a distribution bounded to ${range} (constant, uniform, triangular, normal, empirical or cdf)`, spec.dist);
  }
}

// The fields a command line may override (devices, duration, seed) are checked by these, from the
// scenario file and from --devices/--duration/--seed alike (resolve.ts), so both get one rule and
// one message.

/** How handshakes run: per operation (the reference), or drawn from a table of `table` rows per suite and link. */
export type HandshakesSpec = 'ops' | { table: number };

/**
 * `ops`, `table` (the default rows) or `{ table: rows }` (sim/twin/handshake-table.ts), in the
 * form a resolved scenario keeps (so a sweep variant re-validates).
 */
export function checkHandshakes(c: Checker, path: PathSegment[], x: unknown): HandshakesSpec {
  if (x === undefined || x === 'ops') return 'ops';
  if (x === 'table') return { table: DEFAULT_HANDSHAKE_TABLE_ROWS };
  if (isMap(x) && Object.keys(x).length === 1 && 'table' in x) {
    return { table: c.num([...path, 'table'], x.table, { min: 2, max: 1 << 20, int: true, what: 'a whole number of rows per suite and link, 2 .. 1048576' }, DEFAULT_HANDSHAKE_TABLE_ROWS) };
  }
  c.fail(path, '"ops" (per operation), "table" or { table: <rows> }', x);
  return 'ops';
}

/** Rows of the handshake table a spec asks for (0: per operation). */
export function tableRows(spec: HandshakesSpec): number {
  return spec === 'ops' ? 0 : spec.table;
}

/** A fleet seed: a non-negative integer, or 'random' (the run draws one and records it). */
export function checkSeed(c: Checker, path: PathSegment[], x: unknown, fallback: number): number | 'random' {
  if (x === 'random') return 'random';
  return c.num(path, x, { min: 0, max: Number.MAX_SAFE_INTEGER, int: true, what: 'a non-negative integer, or "random" to opt in to a fresh seed' }, fallback);
}

export function checkDevices(c: Checker, path: PathSegment[], x: unknown, fallback: number): number {
  return c.num(path, x, { min: 1, max: MAX_DEVICES, int: true }, fallback);
}

/** A simulated duration (e.g. "7d") in ms, at most 20 years; undefined when invalid. */
export function checkDuration(c: Checker, path: PathSegment[], x: unknown): number | undefined {
  const ms = typeof x === 'string' || typeof x === 'number' ? parseDuration(String(x)) : undefined;
  if (ms !== undefined && ms > 0 && ms <= MAX_DURATION_MS) return ms;
  c.fail(path, 'a duration like 7d, 12h, 1y (units ms, s, min, h, d, w, y; at most 20y)', x);
  return undefined;
}

const TOP = ['name', 'description', 'seed', 'devices', 'duration', 'start', 'profile', 'fleet', 'behaviour', 'radio', 'firmware', 'sweep', 'sinks', 'cloud'];

/** Validates a parsed scenario (without its sweep applied). Returns the scenario and every issue. */
export function checkScenario(raw: unknown): { scenario: Scenario; issues: ScenarioIssue[] } {
  const c = new Checker();
  const top = c.map([], raw, TOP, ['name', 'seed', 'devices', 'duration', 'fleet', 'behaviour']) ?? {};

  const name = c.str(['name'], top.name, 'unnamed', 'a name (a string)');
  const seed = checkSeed(c, ['seed'], top.seed, 0);
  const devices = checkDevices(c, ['devices'], top.devices, 1);
  const duration = typeof top.duration === 'number' ? `${top.duration}` : c.str(['duration'], top.duration, '1d');
  const durationMs = top.duration === undefined ? parseDuration(duration) : checkDuration(c, ['duration'], top.duration);
  const start = c.str(['start'], top.start instanceof Date ? top.start.toISOString() : top.start, DEFAULT_START);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(start) || Number.isNaN(Date.parse(start)))
    c.fail(['start'], 'an ISO 8601 date or instant like 2026-01-01T00:00:00Z', top.start);

  const fleetRaw = c.map(['fleet'], top.fleet ?? {}, ['suites', 'capacityFactor', 'temperatureC', 'handshakes'], ['suites']) ?? {};
  const suites: Record<string, number> = {};
  const suitesRaw = fleetRaw.suites;
  if (isMap(suitesRaw)) {
    let sum = 0;
    for (const [id, w] of Object.entries(suitesRaw)) {
      if (!SUITE_IDS.includes(id)) {
        const near = closestName(id, SUITE_IDS);
        c.fail(['fleet', 'suites', id], `a suite id (${near ? `did you mean "${near}"?` : `e.g. ${SUITE_IDS[0]}`})`, 'an unknown suite', 'key', true);
        continue;
      }
      const weight = c.num(['fleet', 'suites', id], w, { min: 0, what: 'a share >= 0 (shares are relative)' }, 0);
      suites[id] = weight;
      sum += weight;
    }
    if (Object.keys(suitesRaw).length === 0 || (sum <= 0 && c.issues.length === 0)) c.fail(['fleet', 'suites'], 'at least one suite with a share > 0', suitesRaw);
    // Shares are relative; leave them untouched when they already sum to 1 (no 0.7000000000000001).
    if (sum > 0 && Math.abs(sum - 1) > 1e-9) for (const id of Object.keys(suites)) suites[id] = suites[id]! / sum;
  } else if (suitesRaw !== undefined) c.fail(['fleet', 'suites'], 'a mapping of suite id to share, e.g. { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }', suitesRaw);
  // The fleet clamps a draw below MIN_CAPACITY_FACTOR (a tail); a distribution set below it would be silently changed.
  const capacityFactor = c.dist(['fleet', 'capacityFactor'], fleetRaw.capacityFactor, { dist: 'constant', value: 1 }, { min: MIN_CAPACITY_FACTOR });
  const temperatureC = c.dist(['fleet', 'temperatureC'], fleetRaw.temperatureC, { dist: 'constant', value: 20 }, { min: -40, max: 85 });

  const bRaw = c.map(['behaviour'], top.behaviour ?? {}, ['unlocksPerDay', 'diurnal', 'phoneInRange', 'jostlesPerDay', 'rssiDbm', 'nfcTapsPerYear', 'ota', 'phoneScan'], ['unlocksPerDay']) ?? {};
  const unlocksPerDay = c.dist(['behaviour', 'unlocksPerDay'], bRaw.unlocksPerDay, { dist: 'constant', value: 0 }, { min: 0 });
  let diurnal: Scenario['behaviour']['diurnal'] = { preset: 'flat', weights: normaliseWeights(DIURNAL_PRESETS.flat!) };
  const d = bRaw.diurnal;
  if (typeof d === 'string') {
    const preset = c.oneOf(['behaviour', 'diurnal'], d, Object.keys(DIURNAL_PRESETS), 'flat');
    diurnal = { preset, weights: normaliseWeights(DIURNAL_PRESETS[preset]!) };
  } else if (Array.isArray(d)) {
    if (d.length !== 24 || !d.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) || d.every((w) => w === 0))
      c.fail(['behaviour', 'diurnal'], '24 hourly weights >= 0 (not all 0)', d.length !== 24 ? `${d.length} values` : JSON.stringify(d), undefined, d.length !== 24);
    else diurnal = { preset: null, weights: normaliseWeights(d as number[]) };
  } else if (d !== undefined) c.fail(['behaviour', 'diurnal'], `a preset (${Object.keys(DIURNAL_PRESETS).join(', ')}) or 24 hourly weights`, d);
  const phoneInRange = c.num(['behaviour', 'phoneInRange'], bRaw.phoneInRange, { min: 0, max: 1 }, 0.9);
  const jostlesPerDay = c.dist(['behaviour', 'jostlesPerDay'], bRaw.jostlesPerDay, { dist: 'constant', value: 0 }, { min: 0 });
  const rssiDbm = c.dist(['behaviour', 'rssiDbm'], bRaw.rssiDbm, { dist: 'normal', mean: -65, sd: 6 }, { min: -130, max: 0 });
  const nfcTapsPerYear = c.num(['behaviour', 'nfcTapsPerYear'], bRaw.nfcTapsPerYear, { min: 0, max: 10_000 }, 0);
  let ota: Scenario['behaviour']['ota'] = null;
  if (bRaw.ota !== undefined && bRaw.ota !== null) {
    const o = c.map(['behaviour', 'ota'], bRaw.ota, ['everyDays', 'imageBytes'], ['everyDays']) ?? {};
    ota = {
      everyDays: c.num(['behaviour', 'ota', 'everyDays'], o.everyDays, { min: 1, max: 3650 }, 90),
      imageBytes: c.num(['behaviour', 'ota', 'imageBytes'], o.imageBytes, { min: 1024, max: 16_000_000, int: true }, 1_400_000),
    };
  }

  const phoneScan = parsePhoneScan(c, bRaw.phoneScan);

  const rRaw = c.map(['radio'], top.radio ?? {}, ['phy', 'attMtu', 'connIntervalMs', 'packetsPerEvent', 'supervisionTimeoutMs', 'scanDuty', 'loss']) ?? {};
  if ('scanDuty' in rRaw) failScanDuty(c, rRaw.scanDuty);
  const connIntervalMs = c.num(['radio', 'connIntervalMs'], rRaw.connIntervalMs, { min: 7.5, max: 4000 }, 15);
  if (rRaw.connIntervalMs !== undefined && Math.abs(connIntervalMs / 1.25 - Math.round(connIntervalMs / 1.25)) > 1e-9)
    c.fail(['radio', 'connIntervalMs'], 'a multiple of 1.25 ms (Bluetooth Core: 7.5 ms .. 4 s in 1.25 ms units)', rRaw.connIntervalMs);
  const supervisionTimeoutMs = c.num(['radio', 'supervisionTimeoutMs'], rRaw.supervisionTimeoutMs, { min: 100, max: 32_000 }, 6000);
  if (supervisionTimeoutMs <= 2 * connIntervalMs) c.fail(['radio', 'supervisionTimeoutMs'], `more than 2 connection intervals (${2 * connIntervalMs} ms)`, supervisionTimeoutMs);
  let loss: LossModel = { model: 'rssi', shadowingDb: 0, interferencePer: 0 };
  if (rRaw.loss !== undefined) {
    const l = c.map(['radio', 'loss'], rRaw.loss, ['model', 'shadowingDb', 'interferencePer', 'per'], ['model']) ?? {};
    const model = c.oneOf(['radio', 'loss', 'model'], l.model, ['rssi', 'fixed'] as const, 'rssi');
    if (model === 'fixed') {
      if (l.per === undefined) c.fail(['radio', 'loss', 'per'], 'a value (required by model "fixed")', undefined, 'parent');
      for (const k of ['shadowingDb', 'interferencePer']) if (k in l) c.fail(['radio', 'loss', k], 'no such field with model "fixed" (it uses per)', 'a value', 'key', true);
      loss = { model, per: c.num(['radio', 'loss', 'per'], l.per, { min: 0, max: 1 }, 0) };
    } else {
      if ('per' in l) c.fail(['radio', 'loss', 'per'], 'no such field with model "rssi" (use interferencePer for loss on top of the RSSI model)', 'a value', 'key', true);
      loss = {
        model,
        shadowingDb: c.num(['radio', 'loss', 'shadowingDb'], l.shadowingDb, { min: 0, max: 60 }, 0),
        interferencePer: c.num(['radio', 'loss', 'interferencePer'], l.interferencePer, { min: 0, max: 1 }, 0),
      };
    }
  }
  const radio: Scenario['radio'] = {
    phy: c.oneOf(['radio', 'phy'], rRaw.phy, ['1M', '2M'] as const, '2M'),
    attMtu: c.num(['radio', 'attMtu'], rRaw.attMtu, { min: 23, max: 517, int: true }, 247),
    connIntervalMs,
    packetsPerEvent: c.num(['radio', 'packetsPerEvent'], rRaw.packetsPerEvent, { min: 1, max: 50, int: true }, 6),
    supervisionTimeoutMs,
    loss,
  };

  const sweep: SweepVariant[] = [];
  if (top.sweep !== undefined) {
    if (!Array.isArray(top.sweep) || top.sweep.length === 0) c.fail(['sweep'], 'a list of variants, each { name, set: { field.path: value } }', top.sweep);
    else
      top.sweep.forEach((v, i) => {
        const m = c.map(['sweep', i], v, ['name', 'set'], ['name', 'set']);
        if (!m) return;
        const vname = c.str(['sweep', i, 'name'], m.name, `variant-${i}`);
        if (sweep.some((s) => s.name === vname)) c.fail(['sweep', i, 'name'], 'a name not used by another variant', vname);
        if (!isMap(m.set) || Object.keys(m.set).length === 0) {
          if (m.set !== undefined) c.fail(['sweep', i, 'set'], 'a mapping of field paths to values, e.g. { fleet.suites: { ... } }', m.set);
          return;
        }
        sweep.push({ name: vname, set: { ...m.set } });
      });
  }

  const sRaw = c.map(['sinks'], top.sinks ?? {}, ['store', 'influx']) ?? {};
  const sinks = { store: checkStoreLocation(c, ['sinks', 'store'], sRaw.store, EMBEDDED_STORE), influx: checkInfluxUrl(c, ['sinks', 'influx'], sRaw.influx) };

  const scenario: Scenario = {
    name,
    description: c.str(['description'], top.description, ''),
    seed,
    devices,
    duration,
    durationMs: durationMs ?? 0,
    start,
    profile: c.str(['profile'], top.profile, 'default', 'a profile path or "default"'),
    fleet: { suites, capacityFactor, temperatureC, handshakes: checkHandshakes(c, ['fleet', 'handshakes'], fleetRaw.handshakes) },
    behaviour: { unlocksPerDay, diurnal, phoneInRange, jostlesPerDay, rssiDbm, nfcTapsPerYear, ota, phoneScan },
    radio,
    firmware: checkFirmware(c, top.firmware),
    sweep,
    sinks,
    cloud: checkCloud(c, top.cloud),
  };
  return { scenario, issues: c.issues };
}
