/**
 * One scenario resolution: a validated scenario, plus the values a command line overrides, becomes
 * what the simulators run: the fleet's FleetConfig and the capacity model's CloudConfig. `keytwin
 * run`, `capacity`, `load`, the benchmarks and the tests all resolve through here, so there is one
 * set of rules; command-line values are checked by the same field rules as the file
 * (schema.ts checkDevices/checkDuration/checkSeed) and fail with the same wording.
 * Resolution is deterministic: a `random` seed is drawn by the caller's `drawSeed` (the CLI uses
 * the OS generator and records the result), never here.
 * @module
 */
import type { CloudConfig, FleetConfig } from './config.ts';
import type { ScenarioCloud } from './cloud-schema.ts';
import { loadProfile } from './load-profile.ts';
import type { Profile } from '../firmware/profiles/index.ts';
import type { ScenarioFirmware } from './firmware-schema.ts';
import { Checker, checkDevices, checkHandshakes, tableRows, checkDuration, checkSeed, type PathSegment, type Scenario, type ScenarioIssue } from './schema.ts';

const DAY_MS = 86_400_000;

/** Per-run values that replace the scenario's (already checked: see checkOverrides). */
export interface RunOverrides {
  devices?: number;
  durationDays?: number;
  seed?: number | 'random';
  traceDevices?: number;
  /** Handshake-table rows (0: per operation). */
  handshakeTable?: number;
}

/** Command-line values as typed (`--devices 500`), keyed by option name. */
export interface OverrideArgs {
  devices?: string | undefined;
  duration?: string | undefined;
  seed?: string | undefined;
  trace?: string | undefined;
  handshakes?: string | undefined;
}

/** Command-line values that break a field rule: one line per problem, naming the option. */
export class OverrideError extends Error {
  override name = 'OverrideError';
  readonly userFacing = true;
  readonly issues: readonly ScenarioIssue[];
  constructor(issues: readonly ScenarioIssue[]) {
    super(issues.map((i) => `${i.path.join('.')}: expected ${i.expected}, got ${i.got}`).join('\n'));
    this.issues = issues;
  }
}

/** A command-line number as the YAML would have it (so `1.5` fails as "an integer", `x` as itself). */
function asValue(text: string): unknown {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
}

/**
 * Checks --devices, --duration, --seed and --trace by the scenario's own field rules.
 * @throws OverrideError listing every bad value
 */
export function checkOverrides(args: OverrideArgs): RunOverrides {
  const c = new Checker();
  const out: RunOverrides = {};
  const at = (option: string): PathSegment[] => [`--${option}`];
  if (args.devices !== undefined) out.devices = checkDevices(c, at('devices'), asValue(args.devices), 1);
  if (args.duration !== undefined) out.durationDays = (checkDuration(c, at('duration'), args.duration) ?? 0) / DAY_MS;
  if (args.seed !== undefined) out.seed = checkSeed(c, at('seed'), args.seed === 'random' ? 'random' : asValue(args.seed), 0);
  if (args.trace !== undefined) out.traceDevices = c.num(at('trace'), asValue(args.trace), { min: 0, int: true, what: 'a whole number of traced devices >= 0' }, 0);
  if (args.handshakes !== undefined) out.handshakeTable = tableRows(checkHandshakes(c, at('handshakes'), args.handshakes));
  if (c.issues.length > 0) throw new OverrideError(c.issues);
  return out;
}

export interface ResolvedScenario {
  fleet: FleetConfig;
  /** null when the scenario has no `cloud:` section. */
  cloud: CloudConfig | null;
}

/**
 * Resolves a validated scenario (one sweep variant) into simulator configuration.
 * @param drawSeed called only when the seed is `random` (from the file or the overrides)
 */
export function resolveScenario(s: Scenario, overrides: RunOverrides = {}, drawSeed?: () => number): ResolvedScenario {
  const wanted = overrides.seed ?? s.seed;
  if (wanted === 'random' && drawSeed === undefined) throw new Error(`${s.name}: seed is 'random' and no seed source was given to resolveScenario`);
  const seed = wanted === 'random' ? drawSeed!() : wanted;
  const devices = overrides.devices ?? s.devices;
  const fleet: FleetConfig = {
    name: s.name,
    seed,
    devices,
    durationDays: overrides.durationDays ?? s.durationMs / DAY_MS,
    start: s.start,
    profile: withAdvertising(loadProfile(s.profile), s.firmware),
    suites: s.fleet.suites,
    behaviour: {
      unlocksPerDay: s.behaviour.unlocksPerDay,
      jostlesPerDay: s.behaviour.jostlesPerDay,
      diurnal: s.behaviour.diurnal.weights,
      phoneInRange: s.behaviour.phoneInRange,
      nfcTapsPerYear: s.behaviour.nfcTapsPerYear,
      ota: s.behaviour.ota,
      rssiDbm: s.behaviour.rssiDbm,
      phoneScan: s.behaviour.phoneScan,
      temperatureC: s.fleet.temperatureC,
      capacityFactor: s.fleet.capacityFactor,
    },
    radio: {
      phy: s.radio.phy,
      attMtu: s.radio.attMtu,
      connIntervalMs: s.radio.connIntervalMs,
      packetsPerEvent: s.radio.packetsPerEvent,
      supervisionTimeoutMs: s.radio.supervisionTimeoutMs,
      shadowingDb: s.radio.loss.model === 'rssi' ? s.radio.loss.shadowingDb : 0,
      interferencePer: s.radio.loss.model === 'rssi' ? s.radio.loss.interferencePer : 0,
      fixedPer: s.radio.loss.model === 'fixed' ? s.radio.loss.per : null,
    },
    firmware: {
      keepsStackInSleep: s.firmware.sleep === 'lightSleep',
      advertiseWindowMs: s.firmware.advertising.windowMs,
      jostlePassRate: s.firmware.motionWake.jostlePassRate,
    },
    traceDevices: overrides.traceDevices ?? Math.min(20, devices),
  };
  // Only when asked for: a per-operation config stays what it was (manifests, checkpoint identity).
  const table = overrides.handshakeTable ?? tableRows(s.fleet.handshakes);
  if (table > 0) fleet.handshakeTable = table;
  return { fleet, cloud: s.cloud === null ? null : cloudConfig(s.cloud, devices) };
}

/**
 * The profile with the scenario's advertising intervals in place of its own, each citing the
 * scenario, so the discovery and advertising-current physics read one set of figures.
 */
function withAdvertising(profile: Profile, f: ScenarioFirmware): Profile {
  const a = f.advertising;
  if (a.fastIntervalMs === null && a.fastDurationMs === null && a.slowIntervalMs === null) return profile;
  const cite = (v: number, unit: string) => ({ value: v, unit, ref: 'scenario firmware.advertising', conf: 'H' as const });
  const ble = { ...profile.ble };
  if (a.fastIntervalMs !== null) ble.advIntervalFast = cite(a.fastIntervalMs, 'ms');
  if (a.fastDurationMs !== null) ble.advFastDuration = cite(a.fastDurationMs, 'ms');
  if (a.slowIntervalMs !== null) ble.advIntervalSlow = cite(a.slowIntervalMs, 'ms');
  return { ...profile, ble };
}

/** The capacity model's config for the scenario's `cloud:` section and a fleet of `devices`. */
export function cloudConfig(cloud: ScenarioCloud, devices: number): CloudConfig {
  return {
    stations: structuredClone(cloud.stations),
    demand: {
      devices,
      telemetryBatchEvents: cloud.telemetryBatchEvents,
      attestEveryHandshakes: cloud.attestEveryHandshakes,
      policyPushesPerDevicePerDay: cloud.policyPushesPerDevicePerDay,
      otaChecksPerDevicePerDay: cloud.otaChecksPerDevicePerDay,
      provisioning: { ...cloud.provisioning },
    },
    ota: cloud.ota === null ? null : { ...cloud.ota, waves: [...cloud.ota.waves] },
  };
}
