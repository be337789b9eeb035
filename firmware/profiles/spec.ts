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
  /** calibration.md IDs (e.g. "P3.4", "W9.2/W9.4") or "estimate" (then `note` says why). */
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
const kem = { keygen: time, encaps: time, decaps: time, stackBytes: q('bytes') } as const;
const mldsa = {
  keygen: time,
  verify: time,
  sign: { model: text, base: time, iter: time, p: q('fraction'), mean: time, p99: time },
  stackBytesSign: q('bytes'),
} as const;
const phoneKem = { keygen: time, encaps: time, decaps: time } as const;
const phoneSig = { sign: time, verify: time } as const;

export const PROFILE_SPEC = {
  profile: text,
  version: text,
  description: text,
  mcu: {
    part: text,
    cpuFreq: q('frequency'),
    activeOneCore: current,
    activeDualCore: current,
    idleWaiti: current,
    active80MHzOneCore: current,
    active160MHzOneCore: current,
    flashAccessExtra: current,
    lightSleep: current,
    lightSleepBle32k: current,
    deepSleepRtcPeriphOn: current,
    deepSleepUlpFsm: current,
    powerOff: current,
    lightSleepWakeLatency: time,
    deepSleepWakeToApp: time,
    deepSleepWakeCurrent: current,
    minSupply: q('voltage'),
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
    cycleScaleVsPqm4Clean: q('factor'),
    mlkem512: kem,
    mlkem768: kem,
    mlkem1024: kem,
    mldsa44: mldsa,
    mldsa65: mldsa,
    mldsa87: mldsa,
    defaults: { kind: 'table', fields: { kem: 'text', sig: 'text' } },
  },
  classical: {
    x25519ScalarMult: time,
    p256EcdhSoftware: time,
    p256EcdsaSignSw: time,
    p256EcdsaVerifySw: time,
    sha256Hw: q('dataRate'),
    shake128Sw: q('dataRate'),
    aesCbcHw: q('dataRate'),
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
    current1HzLp: current,
    current25HzLp: current,
    powerDown: current,
    detectLatency: time,
  },
  battery: {
    chemistry: text,
    capacity: q('capacity'),
    vMax: q('voltage'),
    vNominal: q('voltage'),
    vCutoffCell: q('voltage'),
    vSystemMin: q('voltage'),
    protectionOverdischarge: q('voltage'),
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
    ldoDropoutMax: q('voltage'),
    protectionIcIq: current,
    fuelGaugeIq: current,
  },
  ble: {
    txCurrent0dBm: current,
    txCurrent9dBm: current,
    txCurrentMinus15dBm: current,
    rxCurrent: current,
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
    scanDuty: q('fraction'),
    connInterval: time,
    connEventCharge: q('charge'),
    supervisionTimeout: time,
    llPayloadMax: q('bytes'),
    attMtu: q('bytes'),
    phy: { kind: 'choice', options: ['1M', '2M'] },
    tIfs: time,
    packetsPerEvent: q('count'),
    appThroughput: q('dataRate'),
    txChargePerByte2M: q('chargePerByte'),
    rxChargePerByte2M: q('chargePerByte'),
    txChargePerByte1M: q('chargePerByte'),
    rxChargePerByte1M: q('chargePerByte'),
    discoveryLatencyModel: { kind: 'table', fields: { formula: 'text' } },
    connectToReady: time,
    gattWriteWithResponseLatency: q('connIntervals'),
  },
  nfc: {
    bitRate: q('dataRate'),
    byteTime: time,
    effectiveThroughput: q('dataRate'),
    sessionSetup: time,
    transactionTarget: time,
    tagSramBuffer: q('bytes'),
    mcuCurrentDuringTap: current,
  },
  phone: {
    part: text,
    cycleScaleVsPqm4Clean: q('factor'),
    cpuFreq: q('frequency'),
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
