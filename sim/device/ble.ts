/**
 * BLE link physics: advertising and discovery, connection set-up, and the transfer of an N-byte
 * message over a connection (ATT MTU and LL fragmentation, 1M/2M airtime, packets per connection
 * event, packet errors vs RSSI with retransmission, supervision timeout), returning duration and
 * charge. Pure functions of the profile, link parameters and a uniform source.
 *
 * Model choices (calibration.md §7):
 * - Packet error rate (B7.35): PER(L) = 1 − (1 − BER)^(8·(L + overhead)) with
 *   log10 BER = log10(BER_S) − (RSSI − S)/slope, floored at berFloor and capped at 0.5; S is the
 *   PHY's sensitivity (B7.24). A data exchange succeeds if both the data PDU and the peer's empty
 *   acknowledgement get through.
 * - A lost packet ends the connection event (the peer did not answer) and is retransmitted first
 *   in the next event; the link is lost when no exchange has succeeded for the supervision timeout.
 * - Airtime per LL PDU: preamble (1 B at 1M, 2 B at 2M) + access address 4 + header 2 + payload
 *   + MIC 4 (encrypted, non-empty) + CRC 3, at 8 µs/B (1M) or 4 µs/B (2M); T_IFS between packets.
 *   An event carries at most packetsPerEvent exchanges and must end within the connection interval.
 * - Charge: the profile's per-application-byte charge for the PHY (B7.33/B7.34, bytes sent again
 *   on retransmission count again) plus connEventCharge per connection event (B7.32) on the radio;
 *   the other parts draw their `radio` power-mode currents for the duration.
 * - Discovery: advertising events at t = 0 and then every interval + U(0, advDelayMax) (fast
 *   interval for advFastDuration, then slow: B7.16); the first one that falls inside one of the
 *   phone's periodic scan windows (phone-scan.ts, B7.15) and is not lost is heard.
 * @module
 */
import { llPayloadSizes } from '../../firmware/index.ts';
import type { Profile } from '../../firmware/profiles/index.ts';
import { batteryCurrentMa, chargeInto, modeCurrents, zero, type OpCost, type PerComponent } from './power.ts';
import { SCAN_MODES } from './phone-scan.ts';
import { sigmaFromRange, standardNormal, type Uniform } from './sampling.ts';

export type Phy = '1M' | '2M';
export type Direction = 'tx' | 'rx';

const MIC_BYTES = 4;
/** preamble excluded: access address 4 + header 2 + CRC 3 */
const PDU_FRAMING = 9;

export interface LinkParams {
  phy: Phy;
  attMtu: number;
  llPayloadMax: number;
  connIntervalMs: number;
  packetsPerEvent: number;
  supervisionTimeoutMs: number;
  tIfsMs: number;
  rssiDbm: number;
  /** Link-layer encryption (adds the 4-byte MIC to non-empty PDUs). Defaults to true. */
  encrypted: boolean;
  /** Extra loss per PDU from interference (Wi-Fi, other BLE), independent of RSSI, 0..1. Defaults to 0. */
  interferencePer: number;
  /** When set, every PDU is lost with this probability whatever the RSSI (the scenario's `fixed` loss model). */
  fixedPer: number | null;
}

/** Link parameters from the profile, with overrides (e.g. from a scenario's `radio` section). */
export function linkParams(profile: Profile, overrides: Partial<LinkParams> = {}): LinkParams {
  const b = profile.ble;
  const p: LinkParams = {
    phy: b.phy.value,
    attMtu: b.attMtu.value,
    llPayloadMax: b.llPayloadMax.value,
    connIntervalMs: b.connInterval.value,
    packetsPerEvent: b.packetsPerEvent.value,
    supervisionTimeoutMs: b.supervisionTimeout.value,
    tIfsMs: b.tIfs.value,
    rssiDbm: -60,
    encrypted: true,
    interferencePer: 0,
    fixedPer: null,
    ...overrides,
  };
  if (!(Number.isInteger(p.attMtu) && p.attMtu >= 23 && p.attMtu <= 517)) throw new RangeError(`linkParams: attMtu must be an integer in 23..517, got ${p.attMtu}`);
  if (!(Number.isInteger(p.llPayloadMax) && p.llPayloadMax >= 27 && p.llPayloadMax <= 251)) throw new RangeError(`linkParams: llPayloadMax must be an integer in 27..251, got ${p.llPayloadMax}`);
  if (!(p.connIntervalMs >= 7.5 && p.connIntervalMs <= 4000)) throw new RangeError(`linkParams: connIntervalMs must be in 7.5..4000, got ${p.connIntervalMs}`);
  if (!(Number.isInteger(p.packetsPerEvent) && p.packetsPerEvent >= 1)) throw new RangeError(`linkParams: packetsPerEvent must be an integer >= 1, got ${p.packetsPerEvent}`);
  return p;
}

// Messages come in a handful of sizes per suite: fragment each (size, MTU, LL) once, as the
// firmware does (firmware/sizes.ts owns the fragmentation rules).
const payloadCache = new Map<number, readonly number[]>();

/** LL payload sizes of a message: ATT PDUs of ≤ MTU − 3 bytes, each with ATT and L2CAP headers, cut at llPayloadMax. */
export function llPayloads(messageBytes: number, attMtu: number, llPayloadMax: number): readonly number[] {
  const key = (messageBytes * 1024 + attMtu) * 256 + llPayloadMax;
  let hit = payloadCache.get(key);
  if (!hit) {
    hit = Object.freeze(llPayloadSizes(messageBytes, attMtu, llPayloadMax));
    if (payloadCache.size < 4096) payloadCache.set(key, hit);
  }
  return hit;
}

/** On-air time of one LL PDU with `payload` bytes, ms. */
export function pduAirtimeMs(phy: Phy, payload: number, encrypted: boolean): number {
  const preamble = phy === '2M' ? 2 : 1;
  const usPerByte = phy === '2M' ? 4 : 8;
  const mic = encrypted && payload > 0 ? MIC_BYTES : 0;
  return ((preamble + PDU_FRAMING + payload + mic) * usPerByte) / 1000;
}

/** One data PDU plus the peer's empty acknowledgement, with both inter-frame spaces, ms. */
export function exchangeMs(link: LinkParams, payload: number): number {
  return pduAirtimeMs(link.phy, payload, link.encrypted) + link.tIfsMs + pduAirtimeMs(link.phy, 0, false) + link.tIfsMs;
}

/**
 * Loss probability of one PDU on this link: the RSSI waterfall (or the fixed rate), combined with
 * independent interference loss.
 */
export function linkPer(profile: Profile, link: LinkParams, payload: number): number {
  const per = link.fixedPer ?? packetErrorRate(profile, link.phy, link.rssiDbm, payload);
  return 1 - (1 - per) * (1 - link.interferencePer);
}

/** Packet error rate of a PDU with `payload` bytes at `rssiDbm` (B7.35). */
export function packetErrorRate(profile: Profile, phy: Phy, rssiDbm: number, payload: number): number {
  const m = profile.ble.perModel;
  const s = phy === '2M' ? profile.ble.sensitivity2M.value : profile.ble.sensitivity1M.value;
  const ber = Math.min(0.5, Math.max(m.berFloor, m.berAtSensitivity * 10 ** (-(rssiDbm - s) / m.dBPerDecade)));
  return -Math.expm1(8 * (payload + m.overheadBytes) * Math.log1p(-ber));
}

/** Largest LL payload (llPayloadMax ≤ 251): the size of a prepared link's loss table. */
const MAX_LL_PAYLOAD = 251;

/**
 * A link ready for sampling many transfers: the loss probability of a data exchange (the PDU and
 * the peer's empty acknowledgement) memoised per payload size, and the connection set-up spread.
 * Prepare one per (profile, link) and reuse it (e.g. one per RSSI); the link must not be changed
 * afterwards.
 */
export class PreparedLink {
  readonly profile: Profile;
  readonly link: LinkParams;
  private readonly ackOk: number;
  private sigma = NaN;
  private readonly table = new Float64Array(MAX_LL_PAYLOAD + 1).fill(NaN);
  private lastSize = -1;
  private lastFail = 0;

  constructor(profile: Profile, link: LinkParams) {
    this.profile = profile;
    this.link = link;
    this.ackOk = 1 - linkPer(profile, link, 0);
  }

  /** Log-sd of the connection set-up time (profile ble.connectToReady range as a 90 % interval). */
  get connectSigma(): number {
    if (this.sigma !== this.sigma) {
      const c = this.profile.ble.connectToReady;
      this.sigma = c.range ? sigmaFromRange(c.range[0], c.range[1]) : 0;
    }
    return this.sigma;
  }

  /** Probability that the exchange of a data PDU with `payload` bytes (and its ack) fails. */
  failProb(payload: number): number {
    if (payload === this.lastSize) return this.lastFail;
    const t = this.table;
    const memo = payload <= MAX_LL_PAYLOAD;
    let f = memo ? t[payload]! : NaN;
    if (f !== f) {
      f = 1 - (1 - linkPer(this.profile, this.link, payload)) * this.ackOk;
      if (memo) t[payload] = f;
    }
    this.lastSize = payload;
    this.lastFail = f;
    return f;
  }
}

/** A {@link PreparedLink} that memoises every payload size (for a fleet: one per RSSI). */
export function prepareLink(profile: Profile, link: LinkParams): PreparedLink {
  return new PreparedLink(profile, link);
}

/** What a transfer sample holds (a reusable object for {@link sampleTransferInto}). */
export interface TransferSample extends OpCost {
  ok: boolean;
  llPackets: number;
  /** Transmissions including retransmissions. */
  transmissions: number;
  events: number;
}

/** An empty sample to pass to the *Into samplers. */
export function transferSample(): TransferSample {
  return { ok: true, durationMs: 0, charge: zero(), llPackets: 0, transmissions: 0, events: 0 };
}

/**
 * Transfer time with no packet loss, starting at a connection event anchor, ms: the hand
 * calculation (events − 1) × interval + the airtime of the last event (without its trailing T_IFS).
 */
export function idealTransferMs(messageBytes: number, link: LinkParams): number {
  return runTransfer(llPayloads(messageBytes, link.attMtu, link.llPayloadMax), link, null, null).durationMs;
}

/**
 * Samples the transfer of a `messageBytes` message in `direction` (seen from the keychain) on a
 * prepared link, written into `out` (no allocation: the fleet calls it per message); returns
 * `out`, whose `ok` is false when the link was lost (supervision timeout). Unless
 * `startAtAnchor`, the message waits U(0, interval) for the next connection event. Consumes one
 * uniform per transmission (plus one for the anchor wait).
 */
export function sampleTransferInto(
  out: TransferSample,
  prepared: PreparedLink,
  messageBytes: number,
  direction: Direction,
  u: Uniform,
  startAtAnchor = false,
): TransferSample {
  const { profile, link } = prepared;
  const payloads = llPayloads(messageBytes, link.attMtu, link.llPayloadMax);
  const waitMs = startAtAnchor ? 0 : u.next() * link.connIntervalMs;
  const r = runTransfer(payloads, link, prepared, u);
  const durationMs = waitMs + r.durationMs;
  const b = profile.ble;
  const perByte =
    direction === 'tx'
      ? link.phy === '2M' ? b.txChargePerByte2M.value : b.txChargePerByte1M.value
      : link.phy === '2M' ? b.rxChargePerByte2M.value : b.rxChargePerByte1M.value;
  const charge = chargeInto(out.charge, baseCurrents(profile), durationMs);
  charge.radio += r.bytesOnAir * perByte + r.events * b.connEventCharge.value;
  out.ok = r.ok;
  out.durationMs = durationMs;
  out.llPackets = payloads.length;
  out.transmissions = r.transmissions;
  out.events = r.events;
  return out;
}

const baseCache = new WeakMap<Profile, Readonly<PerComponent>>();
/** The parts other than the radio during radio activity draw their `radio` mode currents. */
function baseCurrents(profile: Profile): Readonly<PerComponent> {
  let c = baseCache.get(profile);
  if (!c) baseCache.set(profile, (c = Object.freeze({ ...modeCurrents(profile, 'radio'), radio: 0 })));
  return c;
}

interface RawTransfer {
  ok: boolean;
  durationMs: number;
  events: number;
  transmissions: number;
  bytesOnAir: number;
}

/** runTransfer's result: one module-level object, read before the next call (not re-entrant). */
const RAW: RawTransfer = { ok: true, durationMs: 0, events: 0, transmissions: 0, bytesOnAir: 0 };

function raw(ok: boolean, durationMs: number, events: number, transmissions: number, bytesOnAir: number): RawTransfer {
  RAW.ok = ok;
  RAW.durationMs = durationMs;
  RAW.events = events;
  RAW.transmissions = transmissions;
  RAW.bytesOnAir = bytesOnAir;
  return RAW;
}

/** Runs the connection events of a transfer; `prepared` null means no loss (the ideal transfer). */
function runTransfer(payloads: readonly number[], link: LinkParams, prepared: PreparedLink | null, u: Uniform | null): RawTransfer {
  const ci = link.connIntervalMs;
  let eventStart = 0;
  let lastOk = 0; // the link counts as fresh at the start
  let events = 0;
  let transmissions = 0;
  let bytesOnAir = 0;
  let xSize = -1;
  let xMs = 0;
  let i = 0;
  while (i < payloads.length) {
    events++;
    let t = 0;
    let sent = 0;
    let lost = false;
    while (i < payloads.length && sent < link.packetsPerEvent) {
      const size = payloads[i]!;
      if (size !== xSize) {
        xSize = size;
        xMs = exchangeMs(link, size);
      }
      const x = xMs;
      // The event must close before the next anchor (a first packet always goes).
      if (sent > 0 && t + x - link.tIfsMs > ci) break;
      transmissions++;
      bytesOnAir += payloads[i]!;
      const fp = prepared === null ? 0 : prepared.failProb(payloads[i]!);
      if (fp > 0 && u !== null && u.next() < fp) {
        lost = true;
        break;
      }
      t += x;
      sent++;
      i++;
      lastOk = eventStart + t;
    }
    if (i === payloads.length) return raw(true, eventStart + t - link.tIfsMs, events, transmissions, bytesOnAir);
    if (lost && eventStart + ci - lastOk >= link.supervisionTimeoutMs) return raw(false, lastOk + link.supervisionTimeoutMs, events, transmissions, bytesOnAir);
    eventStart += ci;
  }
  return raw(true, 0, events, transmissions, bytesOnAir);
}

export interface AdvertisingParams {
  advIntervalFastMs: number;
  advFastDurationMs: number;
  advIntervalSlowMs: number;
  advDelayMaxMs: number;
  /** The phone's scan window and the interval between window starts, ms (phone-scan.ts). */
  scanWindowMs: number;
  scanIntervalMs: number;
  rssiDbm: number;
  phy: Phy;
  /** Give up after this long, ms. */
  timeoutMs: number;
}

export function advertisingParams(profile: Profile, overrides: Partial<AdvertisingParams> = {}): AdvertisingParams {
  const b = profile.ble;
  const scan = SCAN_MODES['android-balanced'];
  const p: AdvertisingParams = {
    advIntervalFastMs: b.advIntervalFast.value,
    advFastDurationMs: b.advFastDuration.value,
    advIntervalSlowMs: b.advIntervalSlow.value,
    advDelayMaxMs: b.advDelayMax.value,
    scanWindowMs: scan.windowMs,
    scanIntervalMs: scan.intervalMs,
    rssiDbm: -60,
    // Advertising is on the 1M PHY (legacy advertising).
    phy: '1M',
    timeoutMs: 120_000,
    ...overrides,
  };
  if (!(p.scanIntervalMs > 0 && p.scanWindowMs > 0 && p.scanWindowMs <= p.scanIntervalMs)) {
    throw new RangeError(`advertisingParams: scan window must be in (0, interval], got ${p.scanWindowMs}/${p.scanIntervalMs} ms`);
  }
  if (!(p.advIntervalFastMs > 0 && p.advIntervalSlowMs > 0)) throw new RangeError(`advertisingParams: advertising intervals must be > 0, got ${p.advIntervalFastMs}/${p.advIntervalSlowMs} ms`);
  return p;
}

export interface DiscoveryResult extends OpCost {
  ok: boolean;
  advEvents: number;
}

const advBaseCache = new WeakMap<Profile, Readonly<PerComponent>>();
/** While advertising the parts draw their `lightSleep` currents, the radio its advertising events. */
function advertisingBase(profile: Profile): Readonly<PerComponent> {
  let c = advBaseCache.get(profile);
  if (!c) advBaseCache.set(profile, (c = Object.freeze({ ...modeCurrents(profile, 'lightSleep'), radio: 0 })));
  return c;
}

/**
 * Samples the time from the start of advertising until the phone hears an advertising event
 * (and the charge spent), or a failure after `timeoutMs`, written into `out` (no allocation).
 * The scanner listens `scanWindowMs` every `scanIntervalMs` from a phase uniform over the
 * interval; advertising events come at 0 and then every interval + U(0, advDelayMax) (fast, then
 * slow after advFastDuration). An event is heard when it falls inside a window and its PDU is
 * not lost. An event lasts < 1.5 ms on three channels and the scanner listens on one channel for
 * the whole window, so an event is treated as an instant that reaches the scanned channel.
 * Uniforms: one for the phase, one per event inside a window when loss is possible, one per gap.
 */
export function sampleDiscoveryInto(out: DiscoveryResult, profile: Profile, adv: AdvertisingParams, u: Uniform): DiscoveryResult {
  const per = advertisingPer(profile, adv);
  const w = adv.scanWindowMs;
  const iv = adv.scanIntervalMs;
  const continuous = w >= iv;
  const phase = continuous ? 0 : u.next() * iv;
  const fastUntil = adv.advFastDurationMs;
  const fast = adv.advIntervalFastMs;
  const slow = adv.advIntervalSlowMs;
  const delayMax = adv.advDelayMaxMs;
  const timeoutMs = adv.timeoutMs;
  // Where t + phase lies in the scan cycle, (t + phase) % iv, without a float modulo per event
  // (a libm call): `base` is the multiple of iv at or below t + phase, advanced as t grows. For an
  // integral iv every multiple is an exact double, so (t + phase) − base is fmod's exact result,
  // bit for bit; any other iv keeps the modulo.
  const stepped = Number.isInteger(iv) && iv <= 2 ** 31;
  let base = 0;
  let t = 0;
  let events = 0;
  let ok = false;
  while (t <= timeoutMs) {
    events++;
    let inWindow = continuous;
    if (!inWindow) {
      const s = t + phase;
      let pos: number;
      if (stepped) {
        while (s - base >= iv) base += iv;
        pos = s - base;
      } else pos = s % iv;
      inWindow = pos < w;
    }
    if (inWindow && (per === 0 || u.next() >= per)) {
      ok = true;
      break;
    }
    t += (t < fastUntil ? fast : slow) + u.next() * delayMax;
  }
  const durationMs = ok ? t : timeoutMs;
  const charge = chargeInto(out.charge, advertisingBase(profile), durationMs);
  charge.radio += events * profile.ble.advEventCharge.value;
  out.ok = ok;
  out.advEvents = events;
  out.durationMs = durationMs;
  return out;
}

/** The last advertising PDU loss computed (a fleet asks again and again for a few RSSIs). */
const lastAdvPer = { profile: null as Profile | null, phy: '' as string, rssiDbm: NaN, payload: NaN, per: 0 };

/** Loss probability of an advertising PDU (packetErrorRate, remembered for the last arguments). */
function advertisingPer(profile: Profile, adv: AdvertisingParams): number {
  const m = lastAdvPer;
  const payload = profile.ble.advPayloadBytes.value;
  if (m.profile !== profile || m.phy !== adv.phy || m.rssiDbm !== adv.rssiDbm || m.payload !== payload) {
    m.per = packetErrorRate(profile, adv.phy, adv.rssiDbm, payload);
    m.profile = profile;
    m.phy = adv.phy;
    m.rssiDbm = adv.rssiDbm;
    m.payload = payload;
  }
  return m.per;
}

/**
 * Average battery current while advertising with nobody listening for `windowMs`, mA: the parts
 * at their `lightSleep` currents plus one advertising event per interval + mean advDelay, at the
 * fast interval for advFastDuration and the slow interval after it. Without a window, the fast
 * phase alone.
 */
export function advertisingCurrentMa(profile: Profile, windowMs?: number): number {
  const b = profile.ble;
  const half = b.advDelayMax.value / 2;
  const fastMs = windowMs === undefined ? 1 : Math.min(windowMs, b.advFastDuration.value);
  const slowMs = windowMs === undefined ? 0 : Math.max(0, windowMs - b.advFastDuration.value);
  const events = fastMs / (b.advIntervalFast.value + half) + slowMs / (b.advIntervalSlow.value + half);
  return batteryCurrentMa(profile, 'lightSleep') + ((b.advEventCharge.value * events) / (fastMs + slowMs)) * 1000;
}

export interface ConnectSample extends OpCost {
  ok: boolean;
  events: number;
}

/**
 * Samples connection set-up (CONNECT_IND to ready: MTU, DLE, PHY, encryption, discovery): a
 * lognormal around connectToReady (its range as a 90 % interval), during which each connection
 * event's exchange may fail and cost one more interval; failing for the supervision timeout in a
 * row loses the connection (`ok` false). Written into `out` (no allocation); returns `out`.
 */
export function sampleConnectInto(out: ConnectSample, prepared: PreparedLink, u: Uniform): ConnectSample {
  const { profile, link } = prepared;
  const base = profile.ble.connectToReady.value * Math.exp(prepared.connectSigma * standardNormal(u));
  const needed = Math.max(1, Math.round(base / link.connIntervalMs));
  // Set-up PDUs are short (≤ 27 B payload): LL control and ATT requests.
  const fail = prepared.failProb(27);
  let events = 0;
  let okEvents = 0;
  let streak = 0;
  let ok = true;
  while (okEvents < needed) {
    events++;
    if (fail > 0 && u.next() < fail) {
      streak++;
      if (streak * link.connIntervalMs >= link.supervisionTimeoutMs) {
        ok = false;
        break;
      }
    } else {
      okEvents++;
      streak = 0;
    }
  }
  // Each failed event delays the set-up by one interval.
  const durationMs = ok ? base + (events - okEvents) * link.connIntervalMs : events * link.connIntervalMs;
  const charge = chargeInto(out.charge, baseCurrents(profile), durationMs);
  charge.radio += events * profile.ble.connEventCharge.value;
  out.ok = ok;
  out.events = events;
  out.durationMs = durationMs;
  return out;
}
