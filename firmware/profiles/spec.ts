/**
 * The shape of a calibration profile, written once as data: every section, every quantity with its
 * physical dimension, every table with its columns. The validator (schema.ts) walks this spec and
 * the `Profile` type is derived from it, so the type, the checks and the JSON cannot drift apart.
 * @module
 */
import type { Dimension } from './units.ts';

export type Conf = 'H' | 'M' | 'L';

/** A number with its unit (canonical after validation), source and confidence. */
export interface Quantity {
  readonly value: number;
  /** The canonical unit of the dimension (ms, mA, mC, mAh, V, B/ms, ...). */
  readonly unit: string;
  /** Source IDs listed in docs/sources.md (e.g. "P3.4", "M1", "W9.2/W9.4") or "estimate" (then `note` says why). */
  readonly ref: string;
  readonly conf: Conf;
  /** [low, high] in the canonical unit, where the source gives a range. */
  readonly range?: readonly [number, number];
  /** A stated maximum, in the canonical unit. */
  readonly max?: number;
  readonly note?: string;
  readonly part?: string;
}

export interface Choice<O extends string> {
  readonly value: O;
  readonly ref: string;
  readonly conf: Conf;
  readonly note?: string;
}

export type ColumnKind = 'number' | 'numbers' | 'int' | 'text';
type Column<K extends ColumnKind> = K extends 'numbers' ? readonly number[] : K extends 'text' ? string : number;
export type Table<F extends Readonly<Record<string, ColumnKind>>> = {
  readonly [K in keyof F]: Column<F[K]>;
} & { readonly ref: string; readonly conf: Conf; readonly note?: string };

export const POWER_MODES = ['deepSleep', 'lightSleep', 'idle', 'active', 'radio', 'charging', 'off'] as const;
export type PowerMode = (typeof POWER_MODES)[number];
export const COMPONENTS = ['mcu', 'secureElement', 'accelerometer', 'radio', 'powerPath'] as const;
export type Component = (typeof COMPONENTS)[number];
/** Averages the validator knows how to compute, usable in a mode composition. */
export const DERIVED_SOURCES = ['derived:bleConnectionIdle', 'derived:bleAdvertisingSlow'] as const;
/** Per mode and component: the profile paths (or derived sources) whose currents are summed. */
export type ModeComposition = Readonly<Record<PowerMode, Readonly<Record<Component, readonly string[]>>>>;

export type LeafSpec =
  | { readonly kind: 'q'; readonly dim: Dimension }
  | { readonly kind: 'text' }
  | { readonly kind: 'choice'; readonly options: readonly string[] }
  | { readonly kind: 'table'; readonly fields: Readonly<Record<string, ColumnKind>> }
  | { readonly kind: 'modes' };
export interface SectionSpec {
  readonly [key: string]: LeafSpec | SectionSpec;
}

/** The profile type of a spec node. */
export type FromSpec<S> = S extends { kind: 'q' }
  ? Quantity
  : S extends { kind: 'text' }
    ? string
    : S extends { kind: 'choice'; options: readonly (infer O extends string)[] }
      ? Choice<O>
      : S extends { kind: 'table'; fields: infer F extends Readonly<Record<string, ColumnKind>> }
        ? Table<F>
        : S extends { kind: 'modes' }
          ? ModeComposition
          : { readonly [K in keyof S]: FromSpec<S[K]> };

const q = <D extends Dimension>(dim: D) => ({ kind: 'q', dim }) as const;
const text = { kind: 'text' } as const;
const time = q('time');
const current = q('current');
const kemOps = { keygen: time, encaps: time, decaps: time } as const;
const sigOps = {
  keygen: time,
  verify: time,
  sign: { model: text, base: time, iter: time, p: q('fraction'), mean: time, p99: time },
} as const;
/**
 * Implementation choices. Each level keeps one figure set per implementation (with its own
 * sources); the section's choice selects the set the simulator uses (resolve it with
 * pqcFigures / x25519Figures in active.ts, never by walking the profile).
 */
export const KEM_IMPLEMENTATIONS = ['mlkem-native', 'reference'] as const;
export const SIG_IMPLEMENTATIONS = ['mldsa-native', 'reference'] as const;
export const X25519_IMPLEMENTATIONS = ['mbedtls-esp-idf', 'optimised'] as const;
const kemLevel = { 'mlkem-native': kemOps, reference: kemOps } as const;
const sigLevel = { 'mldsa-native': sigOps, reference: sigOps } as const;
const x25519Ops = { keygen: time, shared: time } as const;
const phoneKem = { keygen: time, encaps: time, decaps: time } as const;
const phoneSig = { sign: time, verify: time } as const;

export const PROFILE_SPEC = {
  profile: text,
  version: text,
  description: text,
  mcu: {
    part: text,
    activeOneCore: current,
    idleWaiti: current,
    lightSleep: current,
    lightSleepBle32k: current,
    deepSleepRtcPeriphOn: current,
    powerOff: current,
    deepSleepWakeToApp: time,
    deepSleepWakeCurrent: current,
    bleStackInit: time,
    lightSleepWake: time,
    memWipeRate: q('dataRate'),
  },
  flash: {
    part: text,
    pageBytes: q('bytes'),
    sectorBytes: q('bytes'),
    pageProgram: time,
    sectorErase: time,
    writeExtraCurrent: current,
  },
  pqc: {
    kemImplementation: { kind: 'choice', options: KEM_IMPLEMENTATIONS },
    sigImplementation: { kind: 'choice', options: SIG_IMPLEMENTATIONS },
    mlkem512: kemLevel,
    mlkem768: kemLevel,
    mlkem1024: kemLevel,
    mldsa44: sigLevel,
    mldsa65: sigLevel,
    mldsa87: sigLevel,
    defaults: { kind: 'table', fields: { kem: 'text', sig: 'text' } },
  },
  classical: {
    x25519Implementation: { kind: 'choice', options: X25519_IMPLEMENTATIONS },
    x25519: { 'mbedtls-esp-idf': x25519Ops, optimised: x25519Ops },
    sha256Hw: q('dataRate'),
    aesGcm: q('dataRate'),
    chacha20poly1305: q('dataRate'),
    aeadCallOverhead: time,
    hkdfSha256: time,
  },
  secureElement: {
    part: text,
    clockDivider: text,
    ecdhMax: time,
    genKeyMax: time,
    signMax: time,
    verifyMax: time,
    shaMax: time,
    hmacCommands: q('count'),
    aesMax: time,
    kdfMax: time,
    randomMax: time,
    typicalOverMax: q('factor'),
    activeEcc: current,
    activeIo: current,
    idle: current,
    sleep: current,
    wakeDelay: time,
  },
  accelerometer: {
    part: text,
    mode: text,
    current10HzLp: current,
    powerDown: current,
  },
  battery: {
    chemistry: text,
    capacity: q('capacity'),
    vMax: q('voltage'),
    vNominal: q('voltage'),
    vSystemMin: q('voltage'),
    internalResistance: q('resistance'),
    chargeCurrent: current,
    ocvTable20C: { kind: 'table', fields: { socPct: 'numbers', ocvV: 'numbers' } },
    selfDischargePerMonth: q('fraction'),
    selfDischargeRefTemp: q('temperature'),
    selfDischargeDoubling: q('temperature'),
    capacityVsTemp: { kind: 'table', fields: { tempC: 'numbers', factor: 'numbers' } },
  },
  powerPath: {
    ldoIq: current,
    protectionIcIq: current,
    fuelGaugeIq: current,
  },
  ble: {
    sensitivity1M: q('power'),
    sensitivity2M: q('power'),
    perModel: {
      kind: 'table',
      fields: { berAtSensitivity: 'number', dBPerDecade: 'number', berFloor: 'number', overheadBytes: 'int' },
    },
    advIntervalFast: time,
    advFastDuration: time,
    advIntervalSlow: time,
    advDelayMax: time,
    advPayloadBytes: q('bytes'),
    advEventCharge: q('charge'),
    connInterval: time,
    connEventCharge: q('charge'),
    supervisionTimeout: time,
    llPayloadMax: q('bytes'),
    attMtu: q('bytes'),
    phy: { kind: 'choice', options: ['1M', '2M'] },
    tIfs: time,
    packetsPerEvent: q('count'),
    txChargePerByte2M: q('chargePerByte'),
    rxChargePerByte2M: q('chargePerByte'),
    txChargePerByte1M: q('chargePerByte'),
    rxChargePerByte1M: q('chargePerByte'),
    connectToReady: time,
  },
  nfc: {
    byteTime: time,
    effectiveThroughput: q('dataRate'),
    sessionSetup: time,
    tagSramBuffer: q('bytes'),
    mcuCurrentDuringTap: current,
  },
  phone: {
    part: text,
    x25519ScalarMult: time,
    mlkem512: phoneKem,
    mlkem768: phoneKem,
    mlkem1024: phoneKem,
    mldsa44: phoneSig,
    mldsa65: phoneSig,
    mldsa87: phoneSig,
    p256EcdsaSign: time,
    messageOverhead: time,
  },
  ota: { imageBytes: q('bytes') },
  model: { jitterH: q('fraction'), jitterM: q('fraction'), jitterL: q('fraction') },
  power: { note: text, modes: { kind: 'modes' } },
  sizes: {
    mlkem512: { kind: 'table', fields: { ek: 'int', dk: 'int', ct: 'int', ss: 'int' } },
    mlkem768: { kind: 'table', fields: { ek: 'int', dk: 'int', ct: 'int', ss: 'int' } },
    mlkem1024: { kind: 'table', fields: { ek: 'int', dk: 'int', ct: 'int', ss: 'int' } },
    mldsa44: { kind: 'table', fields: { pk: 'int', sk: 'int', sig: 'int' } },
    mldsa65: { kind: 'table', fields: { pk: 'int', sk: 'int', sig: 'int' } },
    mldsa87: { kind: 'table', fields: { pk: 'int', sk: 'int', sig: 'int' } },
    x25519: { kind: 'table', fields: { pk: 'int', sk: 'int', ss: 'int' } },
    p256: { kind: 'table', fields: { pkRaw: 'int', sigRaw: 'int' } },
    aesGcm: { kind: 'table', fields: { nonce: 'int', tag: 'int' } },
    xchacha20poly1305: { kind: 'table', fields: { nonce: 'int', tag: 'int' } },
  },
} as const satisfies SectionSpec;

/** A validated profile: every quantity in its canonical unit. */
export type Profile = FromSpec<typeof PROFILE_SPEC>;
