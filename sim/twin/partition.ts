/**
 * One partition of the fleet (devices lo..hi−1) simulated on one event calendar. Each keychain
 * runs the compiled device machine and, while it is connected, the compiled device-role
 * handshake machine; the twin supplies what the machines leave open: how long each `meta.op`
 * takes and what it costs (op-model.ts), when the owner wants to unlock (diurnal arrivals), when
 * the phone answers, and when the battery browns out.
 *
 * Event economy: one event per timed operation, timer, arrival or phone message; the battery is
 * integrated exactly between events (piecewise-constant current, closed form with
 * self-discharge), never ticked. Device state is structure-of-arrays; nothing is allocated per
 * event on the hot path except inside the physics samplers.
 *
 * Scheduling: devices never interact, so there is no global calendar. Each device keeps a slot
 * agenda (sim/engine SlotAgenda: one slot per timer of each machine, per pending op, for the
 * phone and for the owner's next arrival; setting a slot replaces its event, so a cancelled
 * event never pops) and the partition runs in windows of one simulated day: each device runs
 * all its events up to the day boundary in one go, its state hot in cache, then `daily` samples
 * every device settled exactly at the boundary. A device's events pop in the same (time, set
 * order) as on one calendar, so its life is what it would be alone.
 *
 * Determinism: every random draw of device g comes from its own stream ('device', g), so a
 * device's life does not depend on the partition it is in; accumulators are integers (µJ, µs,
 * counts) or integer-count histograms, so merging partitions is exact in any order.
 * @module
 */
import { createRng, sampler, sfc32NextU32, SlotAgenda } from '../engine/index.ts';
import { parseSuite, type Suite } from '../../firmware/index.ts';
import {
  batteryCurrentMa,
  createCell,
  createCryptoTiming,
  cutoffMah,
  advanceCharge,
  timeToCutoffMs,
  socOf,
  suiteLevels,
  type Cell,
  type CryptoTiming,
  boxMullerPair,
  type NormalSource,
} from '../device/index.ts';
import {
  OUTPUT_ACTION,
  OUTPUT_CANCEL_TIMER,
  OUTPUT_SET_TIMER,
  POWER_MODES,
  type CompiledMachine,
} from '../statechart/index.ts';
import type { StateValue } from 'xstate';
import type { FleetConfig } from './config.ts';
import { hourlyRates, nextArrival } from './diurnal.ts';
import { ACT_FAILURE, ACT_OTA_APPLIED, ACT_SESSION_END, ACT_UNLOCK, DeviceIds, HandshakeIds, type TwinMachines } from './machines.ts';
import { OpModel, PHASES, PHASE_OTHER } from './op-model.ts';
import { ACTIVITY_BIN_MS, daySlice, PartitionResult, SOC_BINS, type DaySlice } from './partition-result.ts';
import { DAY_MS } from '../../units/index.ts';

/** Agenda slots of a device: the owner's next arrival, each machine's pending op, the phone's next action, then one per timer. */
const S_ARRIVAL = 0;
const S_DEV_OP = 1;
const S_HS_OP = 2;
const S_PHONE = 3;
const S_DEV_TIMER = 4;
/** What the phone slot holds. */
const PHONE_FOUND = 0;
const PHONE_MSG = 1;
const PHONE_OTA = 2;

/** Per-device flags. */
const F_INTENT = 1;
const F_PRESENT = 2;
const F_ESTABLISHED = 4;
const F_LOW = 8;
const F_DEAD = 16;
const F_REQUESTED = 32;
const F_BROWNOUT_PENDING = 64;
const F_LOW_SENT = 128;
/** A firmware image is waiting for this device (phone-side). */
const F_OTA_PENDING = 256;
/** This wake's session is the phone's background OTA session. */
const F_OTA_SESSION = 512;
/** Per device-machine configuration, read from its compiled tags and transitions once (see configFlags). */
const DC_HANDSHAKE = 1;
const DC_SESSION = 2;
/** Waits for the boot result (OTA): left on boot.ok / boot.failed, not op.done. */
const DC_BOOT_WAIT = 4;
const DC_MOTION = 8;
/** Per handshake-machine configuration. */
const HC_AWAIT = 1;
const HC_ESTABLISHED = 2;
const HC_FAILED = 4;
/** Its message is the phone's UnlockResult. */
const HC_UNLOCK_RESULT = 8;
/** The message the phone sends next (from an awaiting handshake configuration). */
const MSG_NONE = 0;
const MSG_UNLOCK_REQUEST = 1;
const MSG_CLIENT_HELLO = 2;
const MSG_CLIENT_FINISHED = 3;
const MSG_OTHER = 4;
/** Longest advertising the discovery sampler considers; the device machine's window ends it sooner. */
const ADVERTISE_LIMIT_MS = 120_000;
/** State of charge below which the device is told `battery.low`. */
const LOW_SOC = 0.1;

export interface PartitionOptions {
  /** Called about every simulated day with (simulated ms done, events processed). */
  onProgress?: (simMs: number, events: number) => void;
  /** Called at each day boundary with that day's slice (live dashboards). */
  onDay?: (slice: DaySlice) => void;
}

/** A state value as a dotted path ('session.rxRecord'). */
function statePath(v: StateValue): string {
  if (typeof v === 'string') return v;
  return Object.entries(v)
    .map(([k, sub]) => (sub === undefined ? k : `${k}.${statePath(sub as StateValue)}`))
    .join(',');
}

/** Latencies and projected lives kept per day for live views, per partition. */
const LIVE_SAMPLES = 300;

export function simulatePartition(cfg: FleetConfig, machines: TwinMachines, lo: number, hi: number, options: PartitionOptions = {}): PartitionResult {
  return new Partition(cfg, machines, lo, hi).run(options);
}

class Partition {
  private readonly agenda: SlotAgenda;
  /** Simulated time of the event being handled (or of the day boundary being sampled), ms. */
  private now = 0;
  /** Events handled (every agenda event that popped; day-boundary sampling is not an event). */
  private events = 0;
  private readonly hsTimerSlot: number;
  private readonly dm: CompiledMachine;
  private readonly hm: CompiledMachine;
  private readonly dIds: DeviceIds;
  private readonly hIds: HandshakeIds;
  private readonly suites: Suite[];
  private readonly devOps: OpModel;
  private readonly hsOps: OpModel;
  private readonly timing: CryptoTiming[];
  private readonly res: PartitionResult;
  private readonly n: number;
  private readonly lo: number;
  private readonly durationMs: number;
  private readonly rates: Float64Array;
  /** Battery current of each power mode (mA), by POWER_MODES index. */
  private readonly modeMa: Float64Array;
  private readonly advertiseMa: number;
  private readonly phoneInRange: number;
  private readonly traceDevices: number;
  private readonly vNominal: number;
  private readonly mode: string[];

  // Structure-of-arrays device state (index k = device lo + k).
  private readonly devCfg: Int32Array;
  private readonly hsCfg: Int32Array;
  private readonly remMah: Float64Array;
  private readonly lastT: Float64Array;
  private readonly curMa: Float64Array;
  private readonly curMode: Int8Array;
  private readonly curPhase: Int8Array;
  private readonly devOpMa: Float64Array;
  private readonly hsOpMa: Float64Array;
  private readonly devOpPhase: Int8Array;
  private readonly hsOpPhase: Int8Array;
  private readonly devOpEvent: Int32Array;
  private readonly hsOpEvent: Int32Array;
  private readonly capMah: Float64Array;
  private readonly lambda: Float64Array;
  private readonly guardMah: Float64Array;
  private readonly suiteIdx: Uint8Array;
  private readonly rssi: Float32Array;
  private readonly intentShare: Float32Array;
  private readonly arrivalScale: Float32Array;
  private readonly flags: Uint16Array;
  private readonly nfcShare: Float32Array;
  /** Simulated ms when the next firmware release reaches this device's phone (Infinity: none). */
  private readonly otaDue: Float64Array;
  private readonly otaEveryMs: number;
  private readonly wakeT: Float64Array;
  private readonly hsT: Float64Array;
  /** When the device entered its current handshake state, and each configuration's state index. */
  private readonly hsStateT: Float64Array;
  private readonly hsStateOf: Int32Array;
  private readonly rngState: Int32Array;
  /** What the phone slot holds (PHONE_*). */
  private readonly phoneKind: Uint8Array;
  private readonly cell: { -readonly [K in keyof Cell]: Cell[K] };
  /** DC_* flags of each device-machine configuration. */
  private readonly devFlags: Uint8Array;
  /** HC_* flags and the phone's next message (MSG_*) of each handshake-machine configuration. */
  private readonly hsFlags: Uint8Array;
  private readonly phoneNext: Uint8Array;
  /** Per suite: the handshake's op.done event, and the crypto-timing ids of the phone's work (−1: the suite has none). */
  private readonly hsOpDone: Int32Array;
  private readonly phoneMessageId: Int32Array;
  private readonly phoneX25519Id: Int32Array;
  private readonly phoneEncapsId: Int32Array;
  private readonly phoneVerifyId: Int32Array;
  /** Device k's stream (set `u.k = k` first); it hands out both normals of each Box–Muller pair, the spare kept per device. */
  private readonly u: NormalSource & { k: number };

  constructor(cfg: FleetConfig, machines: TwinMachines, lo: number, hi: number) {
    const n = hi - lo;
    this.n = n;
    this.lo = lo;
    this.dm = machines.device;
    this.hm = machines.handshake;
    this.dIds = new DeviceIds(this.dm);
    this.hIds = new HandshakeIds(this.hm);
    const suiteIds = Object.keys(cfg.suites).sort();
    this.suites = suiteIds.map((id) => parseSuite(id));
    this.devOps = new OpModel(cfg.profile, this.dm, this.suites, cfg.radio, cfg.behaviour.ota?.imageBytes);
    this.hsOps = new OpModel(cfg.profile, this.hm, this.suites, cfg.radio);
    this.timing = this.suites.map((s) => createCryptoTiming(cfg.profile, suiteLevels(s)));
    this.durationMs = cfg.durationDays * DAY_MS;
    this.rates = hourlyRates(1, cfg.behaviour.diurnal);
    this.mode = [...POWER_MODES];
    this.modeMa = Float64Array.from(POWER_MODES, (m) => (m === 'charging' ? 0 : batteryCurrentMa(cfg.profile, m)));
    this.advertiseMa = advertisingCurrentMa(cfg);
    this.phoneInRange = cfg.behaviour.phoneInRange;
    this.traceDevices = cfg.traceDevices;
    this.hsTimerSlot = S_DEV_TIMER + this.dm.timers.length;
    const dm = this.dm;
    const hm = this.hm;
    const dIds = this.dIds;
    const hIds = this.hIds;
    this.devFlags = Uint8Array.from({ length: dm.nConfigs }, (_, c) =>
      (dm.hasTag(c, dIds.tagHandshake) ? DC_HANDSHAKE : 0) |
      (dm.hasTag(c, dIds.tagSession) ? DC_SESSION : 0) |
      (!dm.handles(c, dIds.opDone) && dm.handles(c, dIds.bootOk) ? DC_BOOT_WAIT : 0) |
      (dm.handles(c, dIds.motion) ? DC_MOTION : 0),
    );
    const messageOf = (c: number): string => (hm.message[c]! >= 0 ? hm.messages[hm.message[c]!]! : '');
    this.hsFlags = Uint8Array.from({ length: hm.nConfigs }, (_, c) =>
      (hm.hasTag(c, hIds.tagAwait) ? HC_AWAIT : 0) |
      (hm.hasTag(c, hIds.tagEstablished) ? HC_ESTABLISHED : 0) |
      (hm.hasTag(c, hIds.tagFailed) ? HC_FAILED : 0) |
      (messageOf(c) === 'UnlockResult' ? HC_UNLOCK_RESULT : 0),
    );
    const codes: Record<string, number> = { '': MSG_NONE, UnlockRequest: MSG_UNLOCK_REQUEST, ClientHello: MSG_CLIENT_HELLO, ClientFinished: MSG_CLIENT_FINISHED };
    this.phoneNext = Uint8Array.from({ length: hm.nConfigs }, (_, c) => codes[messageOf(hm.step(c, hIds.msgArrived))] ?? MSG_OTHER);
    this.hsOpDone = Int32Array.from(this.suites, (s) => hIds.opDoneByMode[s.mode]!);
    this.phoneMessageId = Int32Array.from(this.timing, (t) => t.opId('phone.message'));
    this.phoneX25519Id = Int32Array.from(this.suites, (s, i) => (s.x25519 ? this.timing[i]!.opId('phone.x25519') : -1));
    this.phoneEncapsId = Int32Array.from(this.suites, (s, i) => (s.kem ? this.timing[i]!.opId('phone.mlkem.encaps') : -1));
    this.phoneVerifyId = Int32Array.from(this.suites, (s, i) => (s.sig.name !== 'p256' ? this.timing[i]!.opId('phone.mldsa.verify') : -1));
    this.agenda = new SlotAgenda(n, this.hsTimerSlot + this.hm.timers.length);
    this.res = new PartitionResult(lo, n, Math.ceil(cfg.durationDays), this.dIds.failureReasons, this.mode);

    this.devCfg = new Int32Array(n);
    this.hsCfg = new Int32Array(n).fill(-1);
    this.remMah = new Float64Array(n);
    this.lastT = new Float64Array(n);
    this.curMa = new Float64Array(n);
    this.curMode = new Int8Array(n);
    this.curPhase = new Int8Array(n).fill(-1);
    this.devOpMa = new Float64Array(n).fill(NaN);
    this.hsOpMa = new Float64Array(n).fill(NaN);
    this.devOpPhase = new Int8Array(n);
    this.hsOpPhase = new Int8Array(n);
    this.devOpEvent = new Int32Array(n);
    this.hsOpEvent = new Int32Array(n);
    this.capMah = new Float64Array(n);
    this.lambda = new Float64Array(n);
    this.guardMah = new Float64Array(n);
    this.suiteIdx = new Uint8Array(n);
    this.rssi = new Float32Array(n);
    this.intentShare = new Float32Array(n);
    this.arrivalScale = new Float32Array(n);
    this.flags = new Uint16Array(n);
    this.nfcShare = new Float32Array(n);
    this.otaDue = new Float64Array(n).fill(Infinity);
    this.otaEveryMs = cfg.behaviour.ota ? cfg.behaviour.ota.everyDays * DAY_MS : Infinity;
    this.wakeT = new Float64Array(n);
    this.hsT = new Float64Array(n);
    this.hsStateT = new Float64Array(n);
    const names = [...new Set(this.hm.stateKey)];
    this.hsStateOf = Int32Array.from(this.hm.stateKey, (key) => names.indexOf(key));
    this.res.hsStates = names.map((key) => {
      const c = this.hm.stateKey.indexOf(key);
      const op = this.hm.op[c]!;
      const msg = this.hm.message[c]!;
      const dir = this.hm.direction[c]!;
      return { state: statePath(JSON.parse(key) as StateValue), op: op >= 0 ? this.hm.ops[op]! : null, message: msg >= 0 ? this.hm.messages[msg]! : null, direction: dir === 0 ? 'tx' : dir === 1 ? 'rx' : null };
    });
    this.res.hsStateUs = new Float64Array(names.length);
    this.res.hsStateVisits = new Float64Array(names.length);
    this.res.hsStateFirstUs = new Float64Array(names.length).fill(Infinity);
    this.rngState = new Int32Array(4 * n);
    this.phoneKind = new Uint8Array(n);
    const proto = createCell(cfg.profile);
    this.cell = { ...proto };
    this.vNominal = proto.vNominal;
    const st = this.rngState;
    // The spare normal belongs to the device, like its stream: a device's draws never depend on another's.
    const spare = new Float64Array(n);
    const hasSpare = new Uint8Array(n);
    this.u = {
      k: 0,
      next(): number {
        return (sfc32NextU32(st, this.k << 2) >>> 0) * 2.3283064365386963e-10;
      },
      nextNormal(): number {
        const k = this.k;
        if (hasSpare[k]) {
          hasSpare[k] = 0;
          return spare[k]!;
        }
        hasSpare[k] = 1;
        return boxMullerPair(this, spare, k);
      },
    };
    this.initDevices(cfg, suiteIds);
  }

  private initDevices(cfg: FleetConfig, suiteIds: string[]): void {
    const root = createRng(cfg.seed);
    const b = cfg.behaviour;
    const unlocks = sampler(b.unlocksPerDay, 'behaviour.unlocksPerDay');
    const jostles = sampler(b.jostlesPerDay, 'behaviour.jostlesPerDay');
    const rssi = sampler(b.rssiDbm, 'behaviour.rssiDbm');
    const temp = sampler(b.temperatureC, 'behaviour.temperatureC');
    const capf = sampler(b.capacityFactor, 'behaviour.capacityFactor');
    const shares = suiteIds.map((id) => cfg.suites[id]!);
    const totalShare = shares.reduce((a, x) => a + x, 0);
    const maxMa = Math.max(...this.modeMa, 250);
    for (let k = 0; k < this.n; k++) {
      const g = this.lo + k;
      const p = root.stream('device-params', g);
      // Suite by share (cumulative), then the owner's habits and the cell.
      let x = p.next() * totalShare;
      let s = 0;
      while (s < shares.length - 1 && x >= shares[s]!) x -= shares[s++]!;
      this.suiteIdx[k] = s;
      const perDayUnlock = Math.max(0, unlocks(p));
      const perDayJostle = Math.max(0, jostles(p));
      const perDayNfc = b.nfcTapsPerYear / 365.25;
      const perDay = perDayUnlock + perDayJostle + perDayNfc;
      // One arrival process per device; each arrival is an NFC tap, an unlock intent or a jostle by share.
      this.arrivalScale[k] = perDay;
      this.nfcShare[k] = perDay > 0 ? perDayNfc / perDay : 0;
      this.intentShare[k] = perDay > 0 ? perDayUnlock / perDay : 0;
      // Releases reach phones spread over the first release period, then every period.
      if (b.ota) this.otaDue[k] = p.next() * this.otaEveryMs;
      this.rssi[k] = rssi(p) - cfg.radio.shadowingDb;
      const c = createCell(cfg.profile, { temperatureC: temp(p), capacityFactor: Math.max(0.05, capf(p)) });
      this.capMah[k] = c.capacityMah;
      this.lambda[k] = c.selfDischargePerMs;
      this.remMah[k] = c.capacityMah;
      this.useCell(k);
      this.guardMah[k] = cutoffMah(this.cell, maxMa);
      root.streamStateInto(this.rngState, k << 2, 'device', g);
      // Start: the compiled initial configuration (provisioned, asleep) and its timers.
      this.devCfg[k] = this.dm.initial;
      this.runDevOutputs(k, this.dm.initialOutputs);
      this.enterDevice(k, -1);
      this.scheduleArrival(k, 0);
    }
  }

  private onDay: ((slice: DaySlice) => void) | undefined;
  private liveUnlock: number[] = [];
  private liveHandshake: number[] = [];
  /**
   * Devices run one after the other through a day, so "the first LIVE_SAMPLES latencies" would all
   * come from the first few devices: take at most one per device, from every liveStride-th device.
   */
  private liveStride = 1;
  private liveUnlockK = -1;
  private liveHandshakeK = -1;

  run(options: PartitionOptions): PartitionResult {
    this.onDay = options.onDay;
    this.liveStride = Math.max(1, Math.floor(this.n / LIVE_SAMPLES));
    const days = Math.ceil(this.durationMs / DAY_MS);
    for (let d = 1; d <= days; d++) {
      // Conservative window: every device's events up to the boundary (inclusive), then the sample.
      const t = Math.min(d * DAY_MS, this.durationMs);
      for (let k = 0; k < this.n; k++) this.runDevice(k, t);
      this.now = t;
      this.daily(d);
      options.onProgress?.(t, this.events);
    }
    // What the last sample set in motion at the end time itself (a zero-delay output).
    for (let k = 0; k < this.n; k++) this.runDevice(k, this.durationMs);
    this.finish();
    this.res.events = this.events;
    return this.res;
  }

  /** Runs device k's events due at or before `untilMs`, in (time, set order). */
  private runDevice(k: number, untilMs: number): void {
    const agenda = this.agenda;
    for (let slot = agenda.popDue(k, untilMs); slot >= 0; slot = agenda.popDue(k, untilMs)) {
      this.now = agenda.poppedTime;
      this.events++;
      this.handle(slot, k);
    }
  }

  private handle(slot: number, k: number): void {
    switch (slot) {
      case S_ARRIVAL:
        this.arrival(k);
        return;
      case S_DEV_OP:
        this.devOpMa[k] = NaN;
        this.deliverDev(k, this.devOpEvent[k]!);
        return;
      case S_HS_OP:
        this.hsOpMa[k] = NaN;
        this.deliverHs(k, this.hsOpEvent[k]!);
        return;
      case S_PHONE: {
        const what = this.phoneKind[k];
        if (what === PHONE_FOUND) this.deliverDev(k, this.dIds.phoneFound);
        else if (what === PHONE_OTA) {
          this.res.otaOffered++;
          this.deliverDev(k, this.dIds.otaOffered);
        } else if (this.hsCfg[k]! >= 0) this.deliverHs(k, this.hIds.msgArrived);
        return;
      }
      default:
        if (slot >= this.hsTimerSlot) {
          if (this.hsCfg[k]! >= 0) this.deliverHs(k, this.hm.timers[slot - this.hsTimerSlot]!.event);
        } else this.deliverDev(k, this.dm.timers[slot - S_DEV_TIMER]!.event);
    }
  }

  private setPhone(k: number, atMs: number, what: number): void {
    this.phoneKind[k] = what;
    this.agenda.set(k, S_PHONE, atMs);
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private scheduleArrival(k: number, from: number): void {
    const scale = this.arrivalScale[k]!;
    if (!(scale > 0)) return;
    this.u.k = k;
    // Rates are per unit daily count; scaling the Exp(1) work by 1/scale scales the process.
    const t = nextArrival(from, this.rates, this.u, scale);
    if (t < this.durationMs) this.agenda.set(k, S_ARRIVAL, t);
  }

  private arrival(k: number): void {
    const now = this.now;
    this.scheduleArrival(k, now);
    if (this.flags[k]! & F_DEAD) return;
    const cfg = this.devCfg[k]!;
    if (!(this.devFlags[cfg]! & DC_MOTION)) return;
    this.u.k = k;
    const x = this.u.next();
    const nfc = x < this.nfcShare[k]!;
    const intent = !nfc && x < this.nfcShare[k]! + this.intentShare[k]!;
    let f = this.flags[k]! & ~(F_INTENT | F_PRESENT | F_ESTABLISHED | F_REQUESTED | F_OTA_SESSION);
    if (now >= this.otaDue[k]!) f |= F_OTA_PENDING;
    if (nfc) {
      // The owner taps the phone on the keychain: an unlock with the phone right there.
      f |= F_INTENT | F_PRESENT;
      this.res.nfcTaps++;
      this.res.intents++;
    } else if (intent) {
      f |= F_INTENT;
      this.res.intents++;
      if (this.u.next() < this.phoneInRange) f |= F_PRESENT;
    } else if (f & F_OTA_PENDING && this.u.next() < this.phoneInRange) {
      // A wake the owner did not mean, with the phone near and an update waiting: the app uses it.
      f |= F_PRESENT | F_OTA_SESSION;
    }
    this.flags[k] = f;
    this.wakeT[k] = now;
    this.res.binWakes[this.bin()]!++;
    this.deliverDev(k, nfc ? this.dIds.nfcTapped : this.dIds.motion);
  }

  /** The phone app's and OS's own delay before it acts (profile phone.messageOverhead). */
  private phoneDelay(k: number): number {
    this.u.k = k;
    const s = this.suiteIdx[k]!;
    return this.timing[s]!.sampleMsById(this.phoneMessageId[s]!, this.u);
  }

  // ---- machines -------------------------------------------------------------------------------

  private deliverDev(k: number, ev: number): void {
    const dm = this.dm;
    const cfg = this.devCfg[k]!;
    const cell = cfg * dm.nEvents + ev;
    const next = dm.next[cell]!;
    if (next < 0) return;
    this.settle(k);
    if (this.flags[k]! & F_BROWNOUT_PENDING) {
      this.brownout(k);
      return;
    }
    this.devCfg[k] = next;
    this.runDevOutputs(k, dm.outputList[cell]!);
    this.enterDevice(k, cfg);
  }

  private runDevOutputs(k: number, list: number): void {
    const dm = this.dm;
    const end = dm.outputStart[list + 1]!;
    for (let i = dm.outputStart[list]!; i < end; i++) {
      const arg = dm.outputArg[i]!;
      switch (dm.outputKind[i]) {
        case OUTPUT_ACTION:
          this.deviceAction(k, arg);
          break;
        case OUTPUT_SET_TIMER:
          this.agenda.set(k, S_DEV_TIMER + arg, this.now + dm.outputDelay[i]!);
          break;
        case OUTPUT_CANCEL_TIMER:
          this.agenda.clear(k, S_DEV_TIMER + arg);
          break;
      }
    }
  }

  private deviceAction(k: number, action: number): void {
    const kind = this.dIds.actionKind[action];
    if (kind === ACT_UNLOCK) {
      const latency = this.now - this.wakeT[k]!;
      this.res.unlocks[k]!++;
      this.res.unlockLatency.add(latency);
      if (this.onDay && k !== this.liveUnlockK && k % this.liveStride === 0 && this.liveUnlock.length < LIVE_SAMPLES) {
        this.liveUnlock.push(latency);
        this.liveUnlockK = k;
      }
      this.res.dayUnlocks[this.day()]!++;
      this.res.binUnlocks[this.bin()]!++;
      this.telemetry(k, 'unlock_attempt', true, latency, '');
    } else if (kind === ACT_FAILURE) {
      const r = this.dIds.actionReason[action]!;
      this.res.failures[k]!++;
      this.res.failuresByReason[r]!++;
      this.res.dayFailures[this.day() * this.res.reasons.length + r]!++;
      this.res.binFailures[this.bin()]!++;
      if (this.flags[k]! & F_INTENT) this.telemetry(k, 'unlock_attempt', false, this.now - this.wakeT[k]!, this.dIds.failureReasons[r]!);
    } else if (kind === ACT_OTA_APPLIED) {
      this.res.otaApplied++;
      this.flags[k]! &= ~F_OTA_PENDING;
      while (this.otaDue[k]! <= this.now) this.otaDue[k]! += this.otaEveryMs;
    } else if (kind === ACT_SESSION_END) {
      if (this.hsCfg[k]! >= 0) this.deliverHs(k, this.hIds.close);
    }
  }

  /** After the device machine moved from `prev` (−1 at start) to its current configuration. */
  private enterDevice(k: number, prev: number): void {
    const dm = this.dm;
    const cfg = this.devCfg[k]!;
    if (cfg !== prev) {
      this.agenda.clear(k, S_DEV_OP);
      this.devOpMa[k] = NaN;
      const op = dm.op[cfg]!;
      if (op >= 0) {
        if (this.devOps.isExternal(op)) this.advertise(k);
        else {
          this.u.k = k;
          const o = this.devOps.sample(op, dm.message[cfg]!, dm.direction[cfg]!, this.suiteIdx[k]!, this.rssi[k]!, this.u);
          this.devOpMa[k] = o.durationMs > 0 ? (o.chargeMc / o.durationMs) * 1000 : 0;
          this.devOpPhase[k] = o.phase;
          // A state that waits for the boot result (OTA) is left on boot.ok / boot.failed, not op.done.
          const boot = this.devFlags[cfg]! & DC_BOOT_WAIT;
          this.devOpEvent[k] = boot ? (o.ok ? this.dIds.bootOk : this.dIds.bootFailed) : o.ok ? this.dIds.opDone : this.dIds.opFailed;
          this.agenda.set(k, S_DEV_OP, this.now + o.durationMs);
        }
      }
      const inHandshake = this.devFlags[cfg]! & DC_HANDSHAKE;
      if (inHandshake && this.hsCfg[k]! < 0 && !(this.flags[k]! & F_ESTABLISHED)) this.startHandshake(k);
      else if (!inHandshake && !(this.devFlags[cfg]! & DC_SESSION) && this.hsCfg[k]! >= 0) this.stopHandshake(k);
    }
    this.maybePhoneSends(k);
    this.setCurrent(k);
  }

  /**
   * Advertising: with nobody listening it lasts until the machine's window closes (adv events at
   * the fast interval); with the owner's phone near, the phone hears it after the discovery
   * latency and its app reacts after its own delay.
   */
  private advertise(k: number): void {
    this.devOpPhase[k] = PHASE_OTHER;
    if (!(this.flags[k]! & F_PRESENT)) {
      this.devOpMa[k] = this.advertiseMa;
      return;
    }
    this.u.k = k;
    const d = this.devOps.discovery(this.rssi[k]!, ADVERTISE_LIMIT_MS, this.u);
    if (!d.ok) {
      this.devOpMa[k] = this.advertiseMa;
      return;
    }
    this.devOpMa[k] = d.durationMs > 0 ? (d.chargeMc / d.durationMs) * 1000 : this.advertiseMa;
    const at = this.now + d.durationMs + this.phoneDelay(k);
    this.setPhone(k, at, PHONE_FOUND);
  }

  private startHandshake(k: number): void {
    const hm = this.hm;
    this.hsCfg[k] = hm.initial;
    this.hsT[k] = this.now;
    this.hsStateT[k] = this.now;
    this.res.handshakes[k]!++;
    this.res.dayHandshakes[this.day()]!++;
    this.runHsOutputs(k, hm.initialOutputs);
    this.enterHs(k, -1);
  }

  private stopHandshake(k: number): void {
    this.hsCfg[k] = -1;
    this.agenda.clear(k, S_HS_OP);
    this.hsOpMa[k] = NaN;
    for (let t = 0; t < this.hm.timers.length; t++) this.agenda.clear(k, this.hsTimerSlot + t);
  }

  private deliverHs(k: number, ev: number): void {
    const hm = this.hm;
    const cfg = this.hsCfg[k]!;
    if (cfg < 0) return;
    const cell = cfg * hm.nEvents + ev;
    const next = hm.next[cell]!;
    if (next < 0) return;
    this.settle(k);
    if (this.flags[k]! & F_BROWNOUT_PENDING) {
      this.brownout(k);
      return;
    }
    this.hsCfg[k] = next;
    this.runHsOutputs(k, hm.outputList[cell]!);
    this.enterHs(k, cfg);
  }

  private runHsOutputs(k: number, list: number): void {
    const hm = this.hm;
    const end = hm.outputStart[list + 1]!;
    for (let i = hm.outputStart[list]!; i < end; i++) {
      const arg = hm.outputArg[i]!;
      const kind = hm.outputKind[i];
      if (kind === OUTPUT_SET_TIMER) this.agenda.set(k, this.hsTimerSlot + arg, this.now + hm.outputDelay[i]!);
      else if (kind === OUTPUT_CANCEL_TIMER) this.agenda.clear(k, this.hsTimerSlot + arg);
    }
  }

  private enterHs(k: number, prev: number): void {
    const hm = this.hm;
    const cfg = this.hsCfg[k]!;
    if (cfg !== prev) {
      if (prev >= 0) {
        // Time in each handshake state, for the per-step breakdown (a typical handshake).
        const st = this.hsStateOf[prev]!;
        this.res.hsStateUs[st]! += Math.round((this.now - this.hsStateT[k]!) * 1000);
        this.res.hsStateVisits[st]!++;
      }
      this.hsStateT[k] = this.now;
      const entered = this.hsStateOf[cfg]!;
      const offsetUs = Math.round((this.now - this.hsT[k]!) * 1000);
      if (offsetUs < this.res.hsStateFirstUs[entered]!) this.res.hsStateFirstUs[entered] = offsetUs;
      this.agenda.clear(k, S_HS_OP);
      this.hsOpMa[k] = NaN;
      if (hm.done[cfg]) {
        const reason = this.hIds.reasonOf[cfg]!;
        this.stopHandshake(k);
        if (this.hsFlags[cfg]! & HC_FAILED) this.deliverDev(k, this.dIds.handshakeFailed(reason || 'state.unexpected'));
        return;
      }
      const op = hm.op[cfg]!;
      if (op >= 0) {
        this.u.k = k;
        const s = this.suiteIdx[k]!;
        const o = this.hsOps.sample(op, hm.message[cfg]!, hm.direction[cfg]!, s, this.rssi[k]!, this.u);
        this.hsOpMa[k] = o.durationMs > 0 ? (o.chargeMc / o.durationMs) * 1000 : 0;
        this.hsOpPhase[k] = o.phase;
        if (!(this.flags[k]! & F_ESTABLISHED)) this.res.addPhaseTime(o.phase, o.durationMs);
        this.hsOpEvent[k] = o.ok ? this.hsOpDone[s]! : this.hIds.opFailedLink;
        this.agenda.set(k, S_HS_OP, this.now + o.durationMs);
      }
      if (this.hsFlags[cfg]! & HC_ESTABLISHED) {
        if (!(this.flags[k]! & F_ESTABLISHED)) {
          this.flags[k]! |= F_ESTABLISHED;
          this.res.handshakeTime.add(this.now - this.hsT[k]!);
          if (this.onDay && k !== this.liveHandshakeK && k % this.liveStride === 0 && this.liveHandshake.length < LIVE_SAMPLES) {
            this.liveHandshake.push(this.now - this.hsT[k]!);
            this.liveHandshakeK = k;
          }
          this.res.handshakesOk++;
          this.res.binHandshakes[this.bin()]!++;
          this.telemetry(k, 'handshake', true, this.now - this.hsT[k]!, '');
          this.setCurrent(k);
          this.deliverDev(k, this.dIds.established);
        } else if (prev >= 0 && this.hsFlags[prev]! & HC_UNLOCK_RESULT) {
          // The phone's unlock request was answered: the keychain performs the action.
          this.deliverDev(k, this.dIds.requestUnlock);
        }
      }
    }
    this.maybePhoneSends(k);
    this.setCurrent(k);
  }

  /** The phone sends its next message when the handshake awaits one (and, for the request, the owner wants to unlock). */
  private maybePhoneSends(k: number): void {
    const hs = this.hsCfg[k]!;
    if (hs < 0 || !(this.hsFlags[hs]! & HC_AWAIT)) return;
    const msg = this.phoneNext[hs]!;
    const f = this.flags[k]!;
    if (msg === MSG_UNLOCK_REQUEST) {
      const dev = this.devCfg[k]!;
      if (!(f & (F_INTENT | F_OTA_SESSION)) || f & F_REQUESTED || !(this.devFlags[dev]! & DC_SESSION) || this.dm.op[dev]! >= 0) return;
      this.flags[k] = f | F_REQUESTED;
      if (f & F_OTA_SESSION) {
        this.setPhone(k, this.now + this.phoneDelay(k), PHONE_OTA);
        return;
      }
    } else if (f & F_REQUESTED && msg === MSG_NONE) return;
    let delay = this.phoneDelay(k);
    const s = this.suiteIdx[k]!;
    const t = this.timing[s]!;
    this.u.k = k;
    if (msg === MSG_CLIENT_HELLO) {
      if (this.phoneX25519Id[s]! >= 0) delay += t.sampleMsById(this.phoneX25519Id[s]!, this.u);
      if (this.phoneEncapsId[s]! >= 0) delay += t.sampleMsById(this.phoneEncapsId[s]!, this.u);
    } else if (msg === MSG_CLIENT_FINISHED) {
      if (this.phoneVerifyId[s]! >= 0) delay += t.sampleMsById(this.phoneVerifyId[s]!, this.u);
      if (this.phoneX25519Id[s]! >= 0) delay += t.sampleMsById(this.phoneX25519Id[s]!, this.u);
    }
    this.setPhone(k, this.now + delay, PHONE_MSG);
  }

  // ---- energy and battery ---------------------------------------------------------------------

  /** Which current flows now: an operation in progress wins, then the handshake, then the device mode. */
  private setCurrent(k: number): void {
    const dev = this.devCfg[k]!;
    const hs = this.hsCfg[k]!;
    const pre = hs >= 0 && !(this.flags[k]! & F_ESTABLISHED);
    let ma: number;
    let mode: number;
    let phase = -1;
    if (this.devOpMa[k] === this.devOpMa[k]) {
      ma = this.devOpMa[k]!;
      mode = this.dm.power[dev]!;
      if (pre) phase = this.devOpPhase[k]!;
    } else if (hs >= 0 && this.hsOpMa[k] === this.hsOpMa[k]) {
      ma = this.hsOpMa[k]!;
      mode = this.hm.power[hs]!;
      if (pre) phase = this.hsOpPhase[k]!;
    } else if (hs >= 0) {
      mode = this.hm.power[hs]!;
      ma = this.modeMa[mode]!;
      if (pre) phase = PHASE_OTHER;
    } else {
      mode = this.dm.power[dev]!;
      ma = this.modeMa[mode]!;
    }
    this.curMa[k] = ma;
    this.curMode[k] = mode;
    this.curPhase[k] = phase;
  }

  private useCell(k: number): void {
    this.cell.capacityMah = this.capMah[k]!;
    this.cell.selfDischargePerMs = this.lambda[k]!;
  }

  /** Integrates the battery and the energy accounts of device k up to now. */
  private settle(k: number): void {
    const now = this.now;
    const dt = now - this.lastT[k]!;
    if (dt <= 0) return;
    const ma = this.curMa[k]!;
    const q0 = this.remMah[k]!;
    this.useCell(k);
    let q = advanceCharge(this.cell, q0, ma, dt);
    let t = dt;
    if (q <= this.guardMah[k]! && !(this.flags[k]! & F_DEAD)) {
      const qc = cutoffMah(this.cell, ma);
      if (q <= qc) {
        t = Math.min(dt, timeToCutoffMs(this.cell, q0, ma));
        q = advanceCharge(this.cell, q0, ma, t);
        this.flags[k]! |= F_BROWNOUT_PENDING;
        this.res.depletedDay[k] = (this.lastT[k]! + t) / DAY_MS;
      }
    }
    const uj = Math.round(ma * t * this.vNominal); // mA·ms·V = µJ
    this.res.energyUj[k]! += uj;
    this.res.energyByMode[this.curMode[k]!]! += uj;
    this.res.dayEnergyByMode[this.day() * POWER_MODES.length + this.curMode[k]!]! += uj;
    const ph = this.curPhase[k]!;
    if (ph >= 0) this.res.phaseEnergyUj[ph]! += uj;
    this.remMah[k] = q;
    this.lastT[k] = now;
    if (q < LOW_SOC * this.capMah[k]!) this.flags[k]! |= F_LOW;
  }

  private brownout(k: number): void {
    const f = this.flags[k]!;
    this.flags[k] = (f & ~F_BROWNOUT_PENDING) | F_DEAD;
    this.stopHandshake(k);
    this.agenda.clear(k, S_DEV_OP);
    this.devOpMa[k] = NaN;
    this.agenda.clear(k, S_PHONE);
    this.telemetry(k, 'brownout', false, 0, 'brownout');
    if (k < this.traceDevices - this.lo) this.res.socSamples.push({ device: this.lo + k, day: this.res.depletedDay[k]!, soc: 0, brownout: true });
    const cfg = this.devCfg[k]!;
    const cell = cfg * this.dm.nEvents + this.dIds.brownout;
    const next = this.dm.next[cell]!;
    if (next >= 0) {
      this.devCfg[k] = next;
      this.runDevOutputs(k, this.dm.outputList[cell]!);
      this.enterDevice(k, cfg);
    }
  }

  private daily(day: number): void {
    const res = this.res;
    for (let k = 0; k < this.n; k++) {
      this.settle(k);
      if (this.flags[k]! & F_BROWNOUT_PENDING) this.brownout(k);
      this.useCell(k);
      const soc = this.flags[k]! & F_DEAD ? 0 : socOf(this.cell, this.remMah[k]!);
      res.daySoc[(day - 1) * SOC_BINS + Math.min(SOC_BINS - 1, Math.floor(soc * SOC_BINS))]!++;
      if (!(this.flags[k]! & F_DEAD)) res.dayAlive[day - 1]!++;
      if (this.lo + k < this.traceDevices) res.socSamples.push({ device: this.lo + k, day, soc, brownout: false });
      // The fuel gauge's low-battery alert, checked once a day: reduced behaviour from then on.
      if ((this.flags[k]! & (F_LOW | F_LOW_SENT | F_DEAD)) === F_LOW) {
        this.flags[k]! |= F_LOW_SENT;
        this.deliverDev(k, this.dIds.batteryLow);
      }
    }
    if (this.onDay) {
      const life: number[] = [];
      for (let k = 0; k < Math.min(this.n, LIVE_SAMPLES); k++) {
        const dead = this.res.depletedDay[k]!;
        this.useCell(k);
        const used = 1 - socOf(this.cell, this.remMah[k]!);
        if (dead === dead) life.push(dead);
        else if (used > 0) life.push((this.now / DAY_MS) * ((1 - this.cutoffFraction(k)) / used));
      }
      this.onDay(daySlice(res, day, { unlock: this.liveUnlock, handshake: this.liveHandshake, life }));
      this.liveUnlock = [];
      this.liveHandshake = [];
      this.liveUnlockK = -1;
      this.liveHandshakeK = -1;
    }
  }

  /** Fraction of capacity below the cutoff at deep-sleep current (what a projection cannot use). */
  private cutoffFraction(k: number): number {
    return cutoffMah(this.cell, this.modeMa[0]!) / this.capMah[k]!;
  }

  private finish(): void {
    for (let k = 0; k < this.n; k++) {
      this.useCell(k);
      this.res.finalSoc[k] = this.flags[k]! & F_DEAD ? 0 : socOf(this.cell, this.remMah[k]!);
      this.res.capacityMah[k] = this.capMah[k]!;
      this.res.suite[k] = this.suiteIdx[k]!;
      this.res.cutoffMah[k] = cutoffMah(this.cell, this.modeMa[0]!);
    }
    this.res.suiteIds = this.suites.map((s) => s.id);
  }

  private bin(): number {
    return Math.min(this.res.binWakes.length - 1, Math.floor(this.now / ACTIVITY_BIN_MS));
  }

  private day(): number {
    return Math.min(this.res.days - 1, Math.floor(this.now / DAY_MS));
  }

  private telemetry(k: number, eventType: 'unlock_attempt' | 'handshake' | 'brownout', success: boolean, latencyMs: number, reason: string): void {
    const g = this.lo + k;
    if (g >= this.traceDevices) return;
    this.useCell(k);
    const s = this.suites[this.suiteIdx[k]!]!;
    this.res.telemetry.push({
      device: g,
      timeMs: this.now,
      eventType,
      success,
      latencyMs,
      rssi: Math.round(this.rssi[k]!),
      sessionKdf: s.mode === 'classical' ? 'classical-v1' : s.mode === 'pq' ? 'pq-v1' : 'hybrid-v1',
      suite: s.id,
      reason,
      soc: socOf(this.cell, this.remMah[k]!),
    });
  }
}

/** Average current while advertising with nobody listening: adv events at the fast interval. */
function advertisingCurrentMa(cfg: FleetConfig): number {
  const b = cfg.profile.ble;
  const gap = b.advIntervalFast.value + b.advDelayMax.value / 2;
  return batteryCurrentMa(cfg.profile, 'lightSleep') + (b.advEventCharge.value / gap) * 1000;
}

export { PHASES };
