/**
 * What each timed operation of the compiled machines costs: `meta.op` (+ `meta.message`,
 * `meta.direction`) of a configuration → a sampled duration, the battery charge drawn, whether it
 * succeeded, and the handshake phase it belongs to. All numbers come from sim/device (physics on
 * profile parameters) and firmware (real message sizes of the suite); this file only routes.
 *
 * Every op the machines name is resolved at start-up, so a model that introduces an operation the
 * physics does not know fails before the run, naming the op and the machine.
 * @module
 */
import { messageSizes, parseSuite, WRAP_OVERHEAD_BYTES, wrappedKeySizes, type Suite } from '../../firmware/index.ts';
import type { Profile } from '../../firmware/profiles/index.ts';
import {
  DEVICE_OPS,
  advertisingParams,
  SCAN_MODES,
  SCAN_MODE_IDS,
  sampleDiscoveryInto,
  type AdvertisingParams,
  createCryptoTiming,
  linkParams,
  prepareLink,
  sampleConnectInto,
  sampleNfcTransfer,
  sampleTransferInto,
  suiteLevels,
  total,
  transferSample,
  zero,
  type ConnectSample,
  type CryptoTiming,
  type DeviceOp,
  type DiscoveryResult,
  type PreparedLink,
  type TransferSample,
  type Uniform,
} from '../device/index.ts';
import type { CompiledMachine } from '../statechart/index.ts';
import type { FleetRadio } from './config.ts';

/** Handshake phases energy and time are attributed to. */
export const PHASES = ['radio', 'crypto', 'secureElement', 'other'] as const;
export const PHASE_RADIO = 0;
export const PHASE_CRYPTO = 1;
export const PHASE_SE = 2;
export const PHASE_OTHER = 3;
export const PHASE_COUNT = PHASES.length;


const KIND_CONNECT = 1;
const KIND_BLE = 2;
const KIND_NFC = 3;
const KIND_TIMED = 4;
/** Left on an external event, not op.done: the twin handles it (advertising). */
const KIND_EXTERNAL = 5;

/** The result of one sampled operation (a reused object: read it before the next sample). */
export interface OpOutcome {
  durationMs: number;
  chargeMc: number;
  ok: boolean;
  phase: number;
}

interface OpRoute {
  kind: number;
  op: DeviceOp | '';
  phase: number;
  /** Which default payload a size-dependent op uses when its state names no message: 0 aead, 1 flash, 2 OTA image, −1 none. */
  payload: number;
}

/**
 * An event-log entry written to flash after an unlock or a failure (timestamp, event, result,
 * counters): 64 B, an estimate for a compact binary log record.
 */
const FLASH_LOG_ENTRY_BYTES = 64;
/** `meta.message` of the provisioning flash write: the suite's wrapped PQ keys (firmware/key-store.ts). */
const WRAPPED_KEYS = 'WrappedKeys';

/** Routes for one compiled machine: index = the machine's op index. */
export class OpModel {
  private readonly routes: OpRoute[];
  /** 1 where the route is KIND_EXTERNAL, by op index. */
  private readonly external: Uint8Array;
  private readonly timing: CryptoTiming[];
  /** bytes[suite][messageIndex] for the machine's `messages`. */
  private readonly bytes: Float64Array[];
  /** Payload of size-dependent ops whose state names no message, per suite: [aead, flash, ota image]. */
  private readonly payload: [number, number, number][];
  private readonly links = new Map<number, PreparedLink>();
  private lastRssi = NaN;
  private lastLink: PreparedLink | null = null;
  private readonly adverts = new Map<number, AdvertisingParams>();
  /** timingId[suite][opIndex]: the crypto-timing id of a timed op, −1 when not timed or not available for the suite. */
  private readonly timingId: Int32Array[];
  readonly outcome: OpOutcome = { durationMs: 0, chargeMc: 0, ok: true, phase: PHASE_OTHER };
  // Reused physics results: nothing is allocated per sample.
  private readonly transfer: TransferSample = transferSample();
  private readonly connect: ConnectSample = { ok: true, events: 0, durationMs: 0, charge: zero() };
  private readonly found: DiscoveryResult = { ok: true, advEvents: 0, durationMs: 0, charge: zero() };

  private readonly profile: Profile;
  private readonly machine: CompiledMachine;
  private readonly radio: FleetRadio;

  constructor(profile: Profile, machine: CompiledMachine, suites: readonly Suite[], radio: FleetRadio, otaImageBytes?: number) {
    this.profile = profile;
    this.machine = machine;
    this.radio = radio;
    this.routes = machine.ops.map((name) => route(name, machine.name));
    this.external = Uint8Array.from(this.routes, (r) => (r.kind === KIND_EXTERNAL ? 1 : 0));
    this.timing = suites.map((s) => createCryptoTiming(profile, suiteLevels(s)));
    // An op the suite cannot do (e.g. ML-DSA on a P-256 suite) keeps −1 and fails when sampled, as a name would.
    this.timingId = this.timing.map((t) =>
      Int32Array.from(this.routes, (r) => {
        if (r.kind !== KIND_TIMED) return -1;
        try {
          return t.opId(r.op as DeviceOp);
        } catch {
          return -1;
        }
      }),
    );
    const image = otaImageBytes ?? profile.ota.imageBytes.value;
    this.payload = suites.map((s) => [messageSizes(s).UnlockRequest, FLASH_LOG_ENTRY_BYTES, image]);
    this.bytes = suites.map((s) => {
      const sizes = messageSizes(s) as unknown as Record<string, number>;
      const wrapped = wrappedKeySizes(s.kem?.name ?? null, s.sig.name).reduce((a, b) => a + b + WRAP_OVERHEAD_BYTES, 0);
      return Float64Array.from(machine.messages, (m) => (m === WRAPPED_KEYS ? wrapped : messageBytes(profile, sizes, m, machine.name, otaImageBytes)));
    });
  }

  /** True when the op's state is left on an external event (e.g. `ble.advertise`), not op.done. */
  isExternal(opIndex: number): boolean {
    return this.external[opIndex] === 1;
  }

  /**
   * Samples op `opIndex` (a configuration's `op`), with message `messageIndex` and `direction`
   * (0 tx, 1 rx) for transfers, on suite `suiteIndex` at `rssiDbm`. Radio ops draw from `radio`,
   * timed ops from `crypto`, so a change in one never shifts the other's numbers.
   */
  sample(opIndex: number, messageIndex: number, direction: number, suiteIndex: number, rssiDbm: number, radio: Uniform, crypto: Uniform): OpOutcome {
    const r = this.routes[opIndex]!;
    const o = this.outcome;
    o.phase = r.phase;
    o.ok = true;
    switch (r.kind) {
      case KIND_BLE: {
        const bytes = this.bytes[suiteIndex]![messageIndex]!;
        const t = sampleTransferInto(this.transfer, this.link(rssiDbm), bytes, direction === 1 ? 'rx' : 'tx', radio);
        o.durationMs = t.durationMs;
        o.chargeMc = total(t.charge);
        o.ok = t.ok;
        return o;
      }
      case KIND_CONNECT: {
        const c = sampleConnectInto(this.connect, this.link(rssiDbm), radio);
        o.durationMs = c.durationMs;
        o.chargeMc = total(c.charge);
        o.ok = c.ok;
        return o;
      }
      case KIND_NFC: {
        const t = sampleNfcTransfer(this.profile, this.bytes[suiteIndex]![messageIndex]!, radio);
        o.durationMs = t.durationMs;
        o.chargeMc = total(t.charge);
        return o;
      }
      case KIND_TIMED: {
        const timing = this.timing[suiteIndex]!;
        const bytes = messageIndex >= 0 ? this.bytes[suiteIndex]![messageIndex]! : r.payload < 0 ? undefined : this.payload[suiteIndex]![r.payload];
        const id = this.timingId[suiteIndex]![opIndex]!;
        // A name the suite cannot time: the name-based call throws its error (naming the op).
        const d = id >= 0 ? timing.sampleMsById(id, crypto, bytes) : timing.sampleMs(r.op as DeviceOp, crypto, bytes);
        o.durationMs = d;
        o.chargeMc = timing.chargeMcById(id, d);
        return o;
      }
      default:
        throw new Error(`${this.machine.name}: op '${this.machine.ops[opIndex]}' is not timed by op.done`);
    }
  }

  /**
   * Advertising until the phone's scanner hears the keychain (advertising interval, random delay,
   * the scan windows of the owner's scan mode `scanMode` (index in SCAN_MODE_IDS), packet loss at
   * the RSSI); `ok` false when it never does within `timeoutMs`.
   */
  discovery(rssiDbm: number, scanMode: number, timeoutMs: number, u: Uniform): OpOutcome {
    const key = Math.round(rssiDbm) * 16 + scanMode;
    let adv = this.adverts.get(key);
    if (adv === undefined) {
      const scan = SCAN_MODES[SCAN_MODE_IDS[scanMode]!];
      adv = advertisingParams(this.profile, { rssiDbm: Math.round(rssiDbm), phy: this.radio.phy, scanWindowMs: scan.windowMs, scanIntervalMs: scan.intervalMs, timeoutMs });
      this.adverts.set(key, adv);
    }
    const d = sampleDiscoveryInto(this.found, this.profile, adv, u);
    const o = this.outcome;
    o.durationMs = d.durationMs;
    o.chargeMc = total(d.charge);
    o.ok = d.ok;
    o.phase = PHASE_RADIO;
    return o;
  }

  /** The prepared link at an RSSI rounded to 1 dB (a handful of distinct objects per fleet). */
  private link(rssiDbm: number): PreparedLink {
    // The fleet samples one device's day at a time: its RSSI repeats, so remember the last one.
    if (rssiDbm === this.lastRssi) return this.lastLink!;
    const key = Math.round(rssiDbm);
    let l = this.links.get(key);
    if (l === undefined) {
      l = prepareLink(this.profile, linkParams(this.profile, {
        rssiDbm: key,
        phy: this.radio.phy,
        attMtu: this.radio.attMtu,
        connIntervalMs: this.radio.connIntervalMs,
        packetsPerEvent: this.radio.packetsPerEvent,
        supervisionTimeoutMs: this.radio.supervisionTimeoutMs,
        interferencePer: this.radio.interferencePer,
        fixedPer: this.radio.fixedPer,
      }));
      this.links.set(key, l);
    }
    this.lastRssi = rssiDbm;
    this.lastLink = l;
    return l;
  }
}

function route(name: string, machine: string): OpRoute {
  if (name === 'ble.advertise') return { kind: KIND_EXTERNAL, op: '', phase: PHASE_RADIO, payload: -1 };
  if (name === 'ble.connect') return { kind: KIND_CONNECT, op: '', phase: PHASE_RADIO, payload: -1 };
  if (name === 'ble.transfer') return { kind: KIND_BLE, op: '', phase: PHASE_RADIO, payload: -1 };
  if (name === 'nfc.transfer') return { kind: KIND_NFC, op: '', phase: PHASE_RADIO, payload: -1 };
  const op = name as DeviceOp;
  if (!(DEVICE_OPS as readonly string[]).includes(op)) {
    throw new Error(
      `${machine}: state meta.op '${name}' has no physics in sim/device (known: ble.advertise, ble.connect, ble.transfer, nfc.transfer, ${DEVICE_OPS.join(', ')})`,
    );
  }
  // Deriving the key-encryption key is an SE command; unwrapping, wiping and generating keys run on the MCU.
  const phase = op.startsWith('se.') || op === 'keys.kek' ? PHASE_SE : op.startsWith('keys.') ? PHASE_CRYPTO : /^(mlkem|mldsa|x25519|hkdf|aead)\./.test(op) || op === 'hkdf' ? PHASE_CRYPTO : PHASE_OTHER;
  // AEAD ops seal/open a session record (an unlock request's size); flash writes a log entry;
  // OTA verify/apply hash and copy the whole image.
  const payload = op.startsWith('aead.') ? 0 : op === 'flash.write' ? 1 : op.startsWith('ota.') ? 2 : -1;
  return { kind: KIND_TIMED, op, phase, payload };
}

/** Bytes of a message named in a machine's meta: protocol messages from the codec, the rest from the profile. */
function messageBytes(profile: Profile, sizes: Record<string, number>, message: string, machine: string, otaImageBytes?: number): number {
  if (sizes[message] !== undefined) return sizes[message]!;
  // A session record carrying an event log entry: the size of an unlock request record.
  if (message === 'Record') return sizes.UnlockRequest!;
  if (message === 'OtaImage') return otaImageBytes ?? profile.ota.imageBytes.value;
  throw new Error(`${machine}: meta.message '${message}' has no size (known: ${Object.keys(sizes).join(', ')}, Record, OtaImage, ${WRAPPED_KEYS})`);
}

export function parseSuites(ids: readonly string[]): Suite[] {
  return ids.map((id) => parseSuite(id));
}
