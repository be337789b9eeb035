/**
 * The device table of a partition: every keychain's state as structure-of-arrays (index k =
 * device lo + k), its flags, and its slot agenda (sim/engine SlotAgenda: one slot per pending op,
 * for the phone, for the owner's next arrival and per timer of each machine; setting a slot
 * replaces its event, so a cancelled event never pops). No object per device, none per event.
 * @module
 */
import { SlotAgenda } from '../engine/index.ts';
import { Episodes } from './partition-episodes.ts';

/** Agenda slots of a device: the owner's next arrival, each machine's pending op, the phone's next action, then one per timer. */
export const S_ARRIVAL = 0;
export const S_DEV_OP = 1;
export const S_HS_OP = 2;
export const S_PHONE = 3;
/** The device machine's timers start here; the handshake machine's follow them. */
export const S_DEV_TIMER = 4;

/** Per-device flags. */
export const F_INTENT = 1;
export const F_PRESENT = 2;
export const F_ESTABLISHED = 4;
export const F_LOW = 8;
export const F_DEAD = 16;
export const F_REQUESTED = 32;
export const F_BROWNOUT_PENDING = 64;
export const F_LOW_SENT = 128;
/** A firmware image is waiting for this device (phone-side). */
export const F_OTA_PENDING = 256;
/** This wake's session is the phone's background OTA session. */
export const F_OTA_SESSION = 512;
/** The owner's intent of this wake has no outcome yet (partition-outcomes.ts). */
export const F_OPEN = 1024;
/** The phone heard this wake's advertising and the device machine took it. */
export const F_FOUND = 2048;
/** This wake began with an NFC tap (its energy is booked as an NFC wake's: the wake low-battery mode keeps). */
export const F_NFC_WAKE = 4096;
/** This episode's streams were dropped at rest (partition-episodic.ts): a draw before the next arrival is refused. */
export const F_SPENT = 8192;
/** The running handshake is replayed from the handshake table (handshake-table.ts), not run per operation. */
export const F_REPLAY = 16384;

/** A machine's configuration per device. */
export type ConfigColumn = Int16Array | Int32Array;

export class DeviceTable {
  /** Devices lo..lo+n−1. */
  readonly lo: number;
  readonly n: number;
  readonly agenda: SlotAgenda;
  readonly flags: Uint16Array;

  // Machines: each one's configuration (−1: the handshake is not running); 16 bits while the
  // machines have fewer than 2^15 configurations (thousands today), 32 beyond.
  readonly devCfg: ConfigColumn;
  readonly hsCfg: ConfigColumn;

  // The device machine's operation in progress: current (NaN: none), energy phase and the event
  // that ends it (the handshake machine's are in its episode row: partition-episodes.ts).
  readonly devOpMa: Float64Array;
  readonly devOpPhase: Int8Array;
  readonly devOpEvent: Int16Array;

  // Battery: charge left, when it was last settled, the current flowing since (the cell's capacity and self-discharge are result columns).
  readonly remMah: Float64Array;
  readonly lastT: Float64Array;
  readonly curMa: Float64Array;
  readonly curMode: Int8Array;
  /** Energy phase being charged (−1: none). */
  readonly curPhase: Int8Array;
  /**
   * Below this charge a settle checks for the cutoff. Only a shortcut (the check itself is exact),
   * so a float32 rounded up serves: it may send a settle to the exact check a little early, never
   * skip one (setGuard).
   */
  readonly guardMah: Float32Array;

  // Owner, phone and link.
  readonly suiteIdx: Uint8Array;
  readonly rssi: Float32Array;
  /** Index of the owner's phone scan mode in SCAN_MODE_IDS. */
  readonly scanMode: Uint8Array;
  readonly arrivalScale: Float32Array;
  readonly intentShare: Float32Array;
  readonly nfcShare: Float32Array;
  /** Simulated ms when the next firmware release reaches this device's phone (Infinity: none). */
  readonly otaDue: Float64Array;
  /** What the phone slot holds (PHONE_*). */
  readonly phoneKind: Uint8Array;

  /** When this wake began. */
  readonly wakeT: Float64Array;
  /** The running handshakes' accounts (only keychains in a handshake hold a row). */
  readonly episodes: Episodes;

  /** `configs`, `events`: the most configurations and event types of the machines the table runs. */
  constructor(lo: number, n: number, slots: number, handshakeStates: number, configs: number, events: number) {
    if (events > 0x7fff) throw new RangeError(`DeviceTable: ${events} event types do not fit the 16-bit op-event columns`);
    this.lo = lo;
    this.n = n;
    this.agenda = new SlotAgenda(n, slots);
    this.flags = new Uint16Array(n);
    const cfgColumn = (): ConfigColumn => (configs <= 0x7fff ? new Int16Array(n) : new Int32Array(n));
    this.devCfg = cfgColumn();
    this.hsCfg = cfgColumn().fill(-1);
    this.devOpMa = new Float64Array(n).fill(NaN);
    this.devOpPhase = new Int8Array(n);
    this.devOpEvent = new Int16Array(n);
    this.remMah = new Float64Array(n);
    this.lastT = new Float64Array(n);
    this.curMa = new Float64Array(n);
    this.curMode = new Int8Array(n);
    this.curPhase = new Int8Array(n).fill(-1);
    this.guardMah = new Float32Array(n);
    this.suiteIdx = new Uint8Array(n);
    this.rssi = new Float32Array(n);
    this.scanMode = new Uint8Array(n);
    this.arrivalScale = new Float32Array(n);
    this.intentShare = new Float32Array(n);
    this.nfcShare = new Float32Array(n);
    this.otaDue = new Float64Array(n).fill(Infinity);
    this.phoneKind = new Uint8Array(n);
    this.wakeT = new Float64Array(n);
    this.episodes = new Episodes(n, handshakeStates);
  }
}

/**
 * Device k's cutoff guard: `mah` as a float32, rounded up when rounding to nearest went below, so
 * that `q <= mah` implies `q <= guardMah[k]` (a settle never skips the exact cutoff check).
 */
export function setGuard(t: DeviceTable, k: number, mah: number): void {
  t.guardMah[k] = mah;
  if (t.guardMah[k]! < mah) t.guardMah[k] = nextUpF32(t.guardMah[k]!);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The next float32 above finite `x`. */
function nextUpF32(x: number): number {
  f32[0] = x;
  if (x === 0) u32[0] = 1;
  else if (x > 0) u32[0]! += 1;
  else u32[0]! -= 1;
  return f32[0]!;
}
