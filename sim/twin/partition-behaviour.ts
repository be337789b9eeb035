/**
 * The owner and the phone: when the owner picks the keychain up (one diurnal arrival process per
 * device, each arrival an NFC tap, an unlock intent or a jostle by share), whether the phone is
 * near, when a firmware release reaches the phone, and when the phone acts: it hears the
 * advertising, answers the handshake after its app's delay plus its own crypto, asks for the
 * unlock or offers the OTA image. The owner draws from the device's owner stream, the same
 * draws for every arrival whatever the device's state, so variants see the same owners; the
 * phone draws from the device's episodic phone stream (partition-streams.ts).
 * @module
 */
import type { CryptoTiming } from '../device/index.ts';
import type { CompiledMachine } from '../statechart/index.ts';
import type { FleetConfig } from './config.ts';
import { hourlyRates, nextArrival } from './diurnal.ts';
import type { DeviceIds, HandshakeIds } from './machines.ts';
import type { Clock } from './partition-clock.ts';
import { DAY_MS } from '../../units/index.ts';
import { DC_MOTION, DC_NFC, DC_REST, DC_SESSION, HC_AWAIT, MSG_CLIENT_FINISHED, MSG_CLIENT_HELLO, MSG_NONE, MSG_UNLOCK_REQUEST } from './partition-configs.ts';
import type { Deliver } from './partition-machine.ts';
import type { Parts } from './partition-parts.ts';
import type { PartitionResult } from './partition-result.ts';
import type { EpisodicState } from './partition-episodic.ts';
import type { DeviceStreams } from './partition-streams.ts';
import { O_BUSY, O_DEAD, O_LOW_BATTERY, O_WAKE_OFF, type Outcomes } from './partition-outcomes.ts';
import {
  F_DEAD,
  F_ESTABLISHED,
  F_FOUND,
  F_INTENT,
  F_LOW_SENT,
  F_OPEN,
  F_NFC_WAKE,
  F_OTA_PENDING,
  F_OTA_SESSION,
  F_PRESENT,
  F_REPLAY,
  F_REQUESTED,
  S_ARRIVAL,
  S_PHONE,
  type DeviceTable,
} from './partition-table.ts';

/** What the phone slot holds: the phone found the advertising, a handshake message, the OTA offer. */
export const PHONE_FOUND = 0;
export const PHONE_MSG = 1;
export const PHONE_OTA = 2;

export class Behaviour {
  /** Arrival rate of each hour of the week per unit daily count. */
  private readonly rates: Float64Array;
  private readonly phoneInRange: number;
  /** Share of jostles the motion-wake filter lets through (1: no filter, no draw). */
  private readonly jostlePassRate: number;
  private readonly durationMs: number;
  /** Time between firmware releases (Infinity: none). */
  readonly otaEveryMs: number;
  /** Per suite: its crypto timing and the ids of the phone's work (−1: the suite has none). */
  private readonly timing: readonly CryptoTiming[];
  private readonly messageId: Int32Array;
  private readonly x25519Id: Int32Array;
  private readonly encapsId: Int32Array;
  private readonly verifyId: Int32Array;

  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly owner: DeviceStreams;
  private readonly phone: DeviceStreams;
  private readonly episodic: EpisodicState;
  private readonly outcomes: Outcomes;
  private readonly res: PartitionResult;
  /** DC_* of each device-machine configuration; HC_* and the phone's next message of each handshake configuration. */
  private readonly devFlags: Uint8Array;
  private readonly hsFlags: Uint8Array;
  private readonly phoneNext: Uint8Array;
  private readonly dm: CompiledMachine;
  private readonly dIds: DeviceIds;
  private readonly hIds: HandshakeIds;
  private readonly p: Deliver;

  constructor(x: Parts, cfg: FleetConfig, durationMs: number, outcomes: Outcomes) {
    this.t = x.t;
    this.clock = x.clock;
    this.owner = x.s.owner;
    this.phone = x.s.phone;
    this.episodic = x.s.ep;
    this.outcomes = outcomes;
    this.res = x.res;
    this.devFlags = x.flags.dev;
    this.hsFlags = x.flags.hs;
    this.phoneNext = x.flags.phoneNext;
    this.dm = x.dm;
    this.dIds = x.dIds;
    this.hIds = x.hIds;
    this.p = x.p;
    this.rates = hourlyRates(1, cfg.behaviour.diurnal);
    this.phoneInRange = cfg.behaviour.phoneInRange;
    this.jostlePassRate = cfg.firmware.jostlePassRate;
    this.durationMs = durationMs;
    this.otaEveryMs = cfg.behaviour.ota ? cfg.behaviour.ota.everyDays * DAY_MS : Infinity;
    const timing = x.timing;
    this.timing = timing;
    this.messageId = Int32Array.from(timing, (c) => c.opId('phone.message'));
    this.x25519Id = Int32Array.from(x.suites, (s, i) => (s.x25519 ? timing[i]!.opId('phone.x25519') : -1));
    this.encapsId = Int32Array.from(x.suites, (s, i) => (s.kem ? timing[i]!.opId('phone.mlkem.encaps') : -1));
    this.verifyId = Int32Array.from(x.suites, (s, i) => (s.sig.name !== 'p256' ? timing[i]!.opId('phone.mldsa.verify') : -1));
  }

  // ---- the owner ------------------------------------------------------------------------------

  scheduleArrival(k: number, from: number): void {
    const scale = this.t.arrivalScale[k]!;
    if (!(scale > 0)) return;
    this.owner.k = k;
    // Rates are per unit daily count; scaling the Exp(1) work by 1/scale scales the process.
    const at = nextArrival(from, this.rates, this.owner, scale);
    if (at < this.durationMs) this.t.agenda.set(k, S_ARRIVAL, at);
  }

  /**
   * The owner's arrival popped: the next one, then a tap, an intent or a jostle. The owner's two
   * draws (what the arrival is, whether the phone is near) are made for every arrival whatever
   * the device's state, and every arrival starts a new episode of the phone, radio and crypto
   * streams. An intent the device cannot take (busy, wake off, dead) ends here with its outcome.
   */
  arrival(k: number): void {
    const t = this.t;
    const res = this.res;
    const now = this.clock.now;
    this.scheduleArrival(k, now);
    this.episodic.newEpisode(k);
    this.owner.k = k;
    const x = this.owner.next();
    const near = this.owner.next() < this.phoneInRange;
    // Drawn for every arrival, filter or not, so firmware strategies see the same owners.
    const passes = this.owner.next() < this.jostlePassRate;
    const nfc = x < t.nfcShare[k]!;
    const intent = nfc || x < t.nfcShare[k]! + t.intentShare[k]!;
    if (nfc) res.deviceNfcTaps[k]!++;
    if (intent) {
      res.intents++;
      res.deviceIntents[k]!++;
    } else {
      res.deviceJostles[k]!++;
      // The accelerometer's gesture filter kept this jostle from the MCU: no wake at all.
      if (!passes) return;
    }
    const f0 = t.flags[k]!;
    const dc = this.devFlags[t.devCfg[k]!]!;
    if (f0 & F_DEAD || !(dc & (nfc ? DC_NFC : DC_MOTION))) {
      if (intent) this.outcomes.dropped(k, f0 & F_DEAD ? O_DEAD : !(dc & DC_REST) ? O_BUSY : f0 & F_LOW_SENT ? O_LOW_BATTERY : O_WAKE_OFF);
      return;
    }
    let f = f0 & ~(F_INTENT | F_PRESENT | F_ESTABLISHED | F_REQUESTED | F_OTA_SESSION | F_OPEN | F_FOUND | F_NFC_WAKE);
    if (now >= t.otaDue[k]!) f |= F_OTA_PENDING;
    if (nfc) {
      // The owner taps the phone on the keychain: an unlock with the phone right there.
      f |= F_INTENT | F_PRESENT | F_OPEN | F_NFC_WAKE;
      res.nfcTaps++;
      res.nfcWakes[k]!++;
    } else if (intent) {
      f |= F_INTENT | F_OPEN;
      if (near) f |= F_PRESENT;
    } else if (f & F_OTA_PENDING && near) {
      // A wake the owner did not mean, with the phone near and an update waiting: the app uses it.
      f |= F_PRESENT | F_OTA_SESSION;
    }
    t.flags[k] = f;
    t.wakeT[k] = now;
    res.binWakes[this.clock.bin()]!++;
    this.p.deliverDev(k, nfc ? this.dIds.nfcTapped : this.dIds.motion);
  }

  /** The device applied the image: none pending until the next release reaches the phone. */
  otaApplied(k: number): void {
    const t = this.t;
    t.flags[k]! &= ~F_OTA_PENDING;
    while (t.otaDue[k]! <= this.clock.now) t.otaDue[k]! += this.otaEveryMs;
  }

  // ---- the phone ------------------------------------------------------------------------------

  /** The phone slot popped: what it held reaches the device's machines. */
  phoneActs(k: number): void {
    const what = this.t.phoneKind[k];
    if (what === PHONE_FOUND) {
      const before = this.t.devCfg[k];
      this.p.deliverDev(k, this.dIds.phoneFound);
      // Found only if the device was still advertising (its window may have closed first).
      if (this.t.devCfg[k] !== before) this.t.flags[k]! |= F_FOUND;
    }
    else if (what === PHONE_OTA) {
      this.res.otaOffered++;
      this.p.deliverDev(k, this.dIds.otaOffered);
    } else if (this.t.hsCfg[k]! >= 0) this.p.deliverHs(k, this.hIds.msgArrived);
  }

  /** The phone hears the advertising `afterMs` from now; its app reacts after its own delay. */
  hears(k: number, afterMs: number): void {
    this.set(k, this.clock.now + afterMs + this.delay(k), PHONE_FOUND);
  }

  /** The phone sends its next message when the handshake awaits one (and, for the request, the owner wants to unlock). */
  maybeSends(k: number): void {
    const t = this.t;
    const hs = t.hsCfg[k]!;
    const f = t.flags[k]!;
    // A replayed handshake's phone messages are in its row (handshake-table.ts).
    if (hs < 0 || !(this.hsFlags[hs]! & HC_AWAIT) || f & F_REPLAY) return;
    const msg = this.phoneNext[hs]!;
    if (msg === MSG_UNLOCK_REQUEST) {
      const dev = t.devCfg[k]!;
      if (!(f & (F_INTENT | F_OTA_SESSION)) || f & F_REQUESTED || !(this.devFlags[dev]! & DC_SESSION) || this.dm.op[dev]! >= 0) return;
      t.flags[k] = f | F_REQUESTED;
      if (f & F_OTA_SESSION) {
        this.set(k, this.clock.now + this.delay(k), PHONE_OTA);
        return;
      }
    } else if (f & F_REQUESTED && msg === MSG_NONE) return;
    let delay = this.delay(k);
    const s = t.suiteIdx[k]!;
    const timing = this.timing[s]!;
    const u = this.phone;
    u.k = k;
    if (msg === MSG_CLIENT_HELLO) {
      if (this.x25519Id[s]! >= 0) delay += timing.sampleMsById(this.x25519Id[s]!, u);
      if (this.encapsId[s]! >= 0) delay += timing.sampleMsById(this.encapsId[s]!, u);
    } else if (msg === MSG_CLIENT_FINISHED) {
      if (this.verifyId[s]! >= 0) delay += timing.sampleMsById(this.verifyId[s]!, u);
      if (this.x25519Id[s]! >= 0) delay += timing.sampleMsById(this.x25519Id[s]!, u);
    }
    this.set(k, this.clock.now + delay, PHONE_MSG);
  }

  /** The phone does nothing more for this device (brownout). */
  cancel(k: number): void {
    this.t.agenda.clear(k, S_PHONE);
  }

  /** The phone app's and OS's own delay before it acts (profile phone.messageOverhead). */
  private delay(k: number): number {
    this.phone.k = k;
    const s = this.t.suiteIdx[k]!;
    return this.timing[s]!.sampleMsById(this.messageId[s]!, this.phone);
  }

  private set(k: number, atMs: number, what: number): void {
    this.t.phoneKind[k] = what;
    this.t.agenda.set(k, S_PHONE, atMs);
  }
}
