/**
 * Durations of the timed operations named in docs/ARCHITECTURE.md (`mlkem.decaps`, `mldsa.sign`,
 * `se.sign`, `flash.write`, ...) for a suite's KEM / signature / AEAD levels, on the device and on
 * the phone, sampled with spread from the profile.
 *
 * Spread model:
 * - Constant-time work (ML-KEM, ML-DSA keygen/verify, X25519, HKDF, AEAD, flash, SE commands):
 *   mean-preserving lognormal jitter exp(σZ − σ²/2) with σ = profile.model.jitterH/M/L by the
 *   confidence of the figure (pqm4 MIN/MAX are within 1–5 % of AVG). A figure's wider epistemic
 *   uncertainty (its `range`) is explored by sweeping the profile, not by per-operation noise.
 * - ML-DSA signing: t = (base + N·iter) × jitter with N ~ Geometric(p) on {1, 2, ...}, p = 1/E[N]
 *   from FIPS 204 (4.25 / 5.1 / 3.85 repetitions for ML-DSA-44/65/87, calibration R1.1). base and
 *   iter are fitted to a measured mean AND spread (mldsa-native: D1's CV 0.79), so the sampled
 *   distribution has the measured tail; the jitter adds < 1 % to the CV.
 * - Which implementation's figures apply (ML-KEM, ML-DSA, X25519) is the profile's choice,
 *   resolved by pqcFigures / x25519Figures.
 * - Secure-element commands: typical = max × typicalOverMax (A4.15), jittered, never above max.
 *   An HMAC is `secureElement.hmacCommands` SHA commands (the ATECC608 has no HMAC command).
 * - Key custody (firmware/key-store.ts): the suite's PQ private keys are AES-GCM blobs in flash.
 *   `keys.kek` derives the key-encryption key in the SE (one HMAC), `keys.unwrap` opens the
 *   blobs on the MCU (AES-GCM), `keys.wipe` zeroes the plaintext keys and the KEK; provisioning
 *   adds `keys.generate` (the PQ key pairs on the MCU, or the P-256 pair in the SE for a
 *   classical suite) and `keys.wrap` (AES-GCM seal). A classical suite has no wrapped keys: its
 *   kek, unwrap, wrap and wipe take 0 ms.
 * - Variable by nature (phone app/OS overhead): lognormal with
 *   median = the profile value and σ from its range read as a 90 % interval.
 * Both lognormals are drawn from per-σ tables (normal-table.ts: one uniform a draw, mean exact).
 * `nominalMs` returns the mean of the sampling distribution.
 * @module
 */
import { wrappedKeySizes, type AeadName, type KemName, type SigName, type Suite } from '../../firmware/index.ts';
import { pqcFigures, x25519Figures, type Conf, type Profile, type Quantity } from '../../firmware/profiles/index.ts';
import { chargeInto, chargeTotal, opCurrents, zero, type OpCost, type OpLoad, type PerComponent } from './power.ts';
import { meanOneLognormal, type MeanOneLognormal } from './normal-table.ts';
import { geometricTrials, sigmaFromRange, type Uniform } from './sampling.ts';

export const DEVICE_OPS = [
  'mcu.wake', 'mcu.wakeBle', 'mcu.resume', 'x25519.keygen', 'x25519.shared', 'mlkem.keygen', 'mlkem.encaps', 'mlkem.decaps',
  'mldsa.keygen', 'mldsa.sign', 'mldsa.verify', 'se.wake', 'se.sign', 'se.verify', 'se.ecdh', 'se.genkey',
  'se.random', 'se.sha', 'se.hmac', 'se.aes', 'se.kdf', 'hkdf', 'aead.seal', 'aead.open', 'flash.write', 'ota.verify', 'ota.apply',
  'keys.generate', 'keys.kek', 'keys.wrap', 'keys.unwrap', 'keys.wipe',
] as const;
export const PHONE_OPS = [
  'phone.x25519', 'phone.mlkem.keygen', 'phone.mlkem.encaps', 'phone.mlkem.decaps', 'phone.mldsa.sign',
  'phone.mldsa.verify', 'phone.p256.sign', 'phone.message',
] as const;
export type DeviceOp = (typeof DEVICE_OPS)[number];
export type PhoneOp = (typeof PHONE_OPS)[number];
export type TimedOp = DeviceOp | PhoneOp;

/** The parameter sets that decide operation costs. `kem` is null for classical suites. */
export interface SuiteLevels {
  readonly kem: KemName | null;
  readonly sig: SigName;
  readonly aead: AeadName;
}

export function suiteLevels(suite: Suite): SuiteLevels {
  return { kem: suite.kem?.name ?? null, sig: suite.sig.name, aead: suite.aead.name };
}

interface Entry {
  /** Fixed part of the mean, ms. */
  readonly fixedMs: number;
  /** Per-byte part, ms per byte (size-dependent ops). */
  readonly perByteMs: number;
  /** Default size for size-dependent ops (OTA image), bytes; NaN when the caller must give it. */
  readonly defaultBytes: number;
  /** Mean-one jitter σ (constant-time work) ... */
  readonly jitter: number;
  /** ... or lognormal σ around a median (variable by nature); 0 when not variable. */
  readonly variability: number;
  /** Upper bound (SE datasheet maximum), ms. */
  readonly capMs: number;
  /** How it loads the parts (null: phone-side, no device charge). */
  readonly load: OpLoad | null;
  readonly unavailable?: string;
}

export interface CryptoTiming {
  readonly levels: SuiteLevels;
  /** Mean duration, ms. `bytes` is the payload of aead.*, flash.write and ota.* (OTA defaults to the profile image size). */
  nominalMs(op: TimedOp, bytes?: number): number;
  /** One sampled duration, ms. Consumes 2 uniforms (3 for mldsa.sign, 0 when the spread is zero). */
  sampleMs(op: TimedOp, u: Uniform, bytes?: number): number;
  /** ML-DSA signing iterations N ~ Geometric(p) (1 uniform). */
  signIterations(u: Uniform): number;
  /** Duration of an ML-DSA signature with N iterations before jitter, ms. */
  signMsForIterations(n: number): number;
  /** Device charge of an operation that lasted `durationMs` (phone ops cost the keychain nothing). */
  cost(op: DeviceOp, durationMs: number): OpCost;
  /**
   * A small integer naming `op` for the by-id variants below (resolve once, then sample without a
   * name lookup). Throws like `sampleMs` for an unknown or unavailable operation.
   */
  opId(op: TimedOp): number;
  /** `sampleMs(op, u, bytes)` for `id = opId(op)`: same draws, same number. */
  sampleMsById(id: number, u: Uniform, bytes?: number): number;
  /** The battery charge of `cost(op, durationMs)` (the sum over components, mC) for `id = opId(op)`, without allocating. */
  chargeMcById(id: number, durationMs: number): number;
}

function jitterFor(profile: Profile, conf: Conf): number {
  const m = profile.model;
  return conf === 'H' ? m.jitterH.value : conf === 'M' ? m.jitterM.value : m.jitterL.value;
}

/** Builds the timing table of one suite (do it once per suite, then sample cheaply). */
export function createCryptoTiming(profile: Profile, levels: SuiteLevels): CryptoTiming {
  const table = new Map<TimedOp, Entry>();
  const fixed = (q: Quantity, load: OpLoad | null, scale = 1): Entry => ({
    fixedMs: q.value * scale, perByteMs: 0, defaultBytes: 0, jitter: jitterFor(profile, q.conf), variability: 0, capMs: Infinity, load,
  });
  const variable = (q: Quantity, load: OpLoad | null): Entry => {
    const sigma = q.range ? sigmaFromRange(q.range[0], q.range[1]) : 0;
    return { ...fixed(q, load), jitter: 0, variability: sigma, fixedMs: q.value };
  };
  const missing = (why: string): Entry => ({ ...fixed({ value: NaN, unit: 'ms', ref: '', conf: 'L' }, null), unavailable: why });
  const se = profile.secureElement;
  const seCmd = (max: Quantity, load: OpLoad): Entry => ({
    ...fixed(max, load, se.typicalOverMax.value), jitter: jitterFor(profile, se.typicalOverMax.conf), capMs: max.value,
  });
  const { kem, sig, aead } = levels;
  const cls = profile.classical;
  const x25519 = x25519Figures(profile);
  const kemFig = kem ? pqcFigures(profile, kem) : null;
  const sigFig = sig !== 'p256' ? pqcFigures(profile, sig) : null;

  table.set('mcu.wake', fixed(profile.mcu.deepSleepWakeToApp, 'mcuWake'));
  // Deep-sleep wake to advertising: to the app, then the BLE stack re-initialised, both at the wake current.
  const wakeBle = profile.mcu.deepSleepWakeToApp;
  table.set('mcu.wakeBle', fixed({ ...wakeBle, value: wakeBle.value + profile.mcu.bleStackInit.value, ref: `${wakeBle.ref}+${profile.mcu.bleStackInit.ref}`, conf: 'L' }, 'mcuWake'));
  table.set('mcu.resume', fixed(profile.mcu.lightSleepWake, 'mcuWake'));
  table.set('x25519.keygen', fixed(x25519.keygen, 'mcuCompute'));
  table.set('x25519.shared', fixed(x25519.shared, 'mcuCompute'));
  for (const op of ['keygen', 'encaps', 'decaps'] as const) {
    table.set(`mlkem.${op}`, kemFig ? fixed(kemFig[op], 'mcuCompute') : missing('a classical suite has no ML-KEM'));
    table.set(`phone.mlkem.${op}`, kem ? fixed(profile.phone[kem][op], null) : missing('a classical suite has no ML-KEM'));
  }
  const noMldsa = `suite signature ${sig} is not ML-DSA (use se.sign / se.verify)`;
  table.set('mldsa.keygen', sigFig ? fixed(sigFig.keygen, 'mcuCompute') : missing(noMldsa));
  table.set('mldsa.verify', sigFig ? fixed(sigFig.verify, 'mcuCompute') : missing(noMldsa));
  table.set('phone.mldsa.sign', sig !== 'p256' ? fixed(profile.phone[sig].sign, null) : missing(noMldsa));
  table.set('phone.mldsa.verify', sig !== 'p256' ? fixed(profile.phone[sig].verify, null) : missing(noMldsa));
  const signModel = sigFig?.sign;
  table.set('mldsa.sign', signModel ? { ...fixed(signModel.mean, 'mcuCompute'), fixedMs: signModel.base.value + signModel.iter.value / signModel.p.value } : missing(noMldsa));

  table.set('se.wake', fixed(se.wakeDelay, 'seWake'));
  table.set('se.sign', seCmd(se.signMax, 'seEcc'));
  table.set('se.verify', seCmd(se.verifyMax, 'seEcc'));
  table.set('se.ecdh', seCmd(se.ecdhMax, 'seEcc'));
  table.set('se.genkey', seCmd(se.genKeyMax, 'seEcc'));
  table.set('se.random', seCmd(se.randomMax, 'seIo'));
  table.set('se.sha', seCmd(se.shaMax, 'seIo'));
  // HMAC-SHA256 in the SE: HMAC_START then HMAC_END (a message under one 64-byte block).
  const hmacEntry: Entry = { ...seCmd(se.shaMax, 'seIo'), fixedMs: se.shaMax.value * se.typicalOverMax.value * se.hmacCommands.value, capMs: se.shaMax.value * se.hmacCommands.value };
  table.set('se.hmac', hmacEntry);
  table.set('se.aes', seCmd(se.aesMax, 'seIo'));
  table.set('se.kdf', seCmd(se.kdfMax, 'seIo'));
  table.set('hkdf', fixed(cls.hkdfSha256, 'mcuCompute'));

  const rate = aead === 'aesgcm' ? cls.aesGcm : cls.chacha20poly1305;
  const aeadEntry: Entry = { ...fixed(cls.aeadCallOverhead, 'mcuCompute'), perByteMs: 1 / rate.value, defaultBytes: NaN, jitter: jitterFor(profile, rate.conf) };
  table.set('aead.seal', aeadEntry);
  table.set('aead.open', aeadEntry);
  const fl = profile.flash;
  // Program time per page plus the sector erase amortised over the bytes it makes room for.
  const flashPerByte = fl.pageProgram.value / fl.pageBytes.value + fl.sectorErase.value / fl.sectorBytes.value;
  const flashEntry: Entry = { ...fixed(fl.pageProgram, 'flashWrite'), fixedMs: 0, perByteMs: flashPerByte, defaultBytes: NaN };
  table.set('flash.write', flashEntry);
  // Key custody: the suite's wrapped PQ keys (none for a classical suite).
  const keySizes = wrappedKeySizes(kem, sig);
  const plainBytes = keySizes.reduce((a, b) => a + b, 0);
  const none = keySizes.length === 0;
  const zeroMs: Entry = { ...fixed(cls.aeadCallOverhead, null), fixedMs: 0, jitter: 0, load: 'mcuCompute' };
  table.set('keys.kek', none ? zeroMs : hmacEntry);
  // AES-GCM over every blob on the MCU: one call (key schedule, GHASH table) per key plus the bytes.
  const gcmKeys: Entry = none ? zeroMs : { ...fixed(cls.aesGcm, 'mcuCompute'), fixedMs: keySizes.length * cls.aeadCallOverhead.value + plainBytes / cls.aesGcm.value };
  table.set('keys.unwrap', gcmKeys);
  table.set('keys.wrap', gcmKeys);
  // Zeroising the plaintext keys and the 32-byte KEK (a volatile memset over internal SRAM).
  const wipe = profile.mcu.memWipeRate;
  table.set('keys.wipe', none ? zeroMs : { ...fixed(wipe, 'mcuCompute'), fixedMs: (plainBytes + 32) / wipe.value });
  table.set(
    'keys.generate',
    kemFig && sigFig ? { ...fixed(kemFig.keygen, 'mcuCompute'), fixedMs: kemFig.keygen.value + sigFig.keygen.value } : seCmd(se.genKeyMax, 'seEcc'),
  );
  const image = profile.ota.imageBytes.value;
  table.set('ota.apply', { ...flashEntry, defaultBytes: image });
  const verifyMs = sigFig ? sigFig.verify.value : se.verifyMax.value * se.typicalOverMax.value;
  table.set('ota.verify', { ...fixed(cls.sha256Hw, 'mcuCompute'), fixedMs: verifyMs, perByteMs: 1 / cls.sha256Hw.value, defaultBytes: image });

  table.set('phone.x25519', fixed(profile.phone.x25519ScalarMult, null));
  table.set('phone.p256.sign', fixed(profile.phone.p256EcdsaSign, null));
  table.set('phone.message', variable(profile.phone.messageOverhead, null));

  const names = [...table.keys()];
  const entries = [...table.values()];
  const ids = new Map(names.map((n, i) => [n, i]));
  const signId = ids.get('mldsa.sign')!;
  const opId = (op: TimedOp): number => {
    const id = ids.get(op);
    if (id === undefined) throw new RangeError(`crypto timing: unknown operation '${op}' (valid: ${names.join(', ')})`);
    const e = entries[id]!;
    if (e.unavailable) throw new RangeError(`crypto timing: ${op} is not available: ${e.unavailable}`);
    return id;
  };
  const entry = (op: TimedOp): Entry => entries[opId(op)]!;
  const byId = (id: number): Entry => {
    const e = entries[id];
    if (e === undefined || e.unavailable) throw new RangeError(`crypto timing: no available operation with id ${id} (use opId(op))`);
    return e;
  };
  const baseMs = (e: Entry, bytes: number | undefined): number => {
    const n = bytes ?? e.defaultBytes;
    if (e.perByteMs > 0 && !(n >= 0)) throw new RangeError(`crypto timing: a size in bytes is required, got ${bytes}`);
    return e.fixedMs + e.perByteMs * n;
  };
  const p = signModel?.p.value ?? 1;
  const signMsForIterations = (n: number): number => {
    if (!signModel) throw new RangeError(`crypto timing: mldsa.sign is not available: ${noMldsa}`);
    return signModel.base.value + n * signModel.iter.value;
  };

  const loads = new Map<OpLoad, PerComponent>();
  /** Currents during each op (by id), resolved on first use; null for phone ops. */
  const currentsById: (PerComponent | null | undefined)[] = entries.map(() => undefined);
  const currentsOf = (id: number, op: string): PerComponent => {
    let c = currentsById[id];
    if (c === undefined) {
      const load = byId(id).load;
      if (load !== null) {
        c = loads.get(load);
        if (!c) loads.set(load, (c = opCurrents(profile, load)));
      } else c = null;
      currentsById[id] = c;
    }
    if (c === null) throw new RangeError(`crypto timing: ${op} runs on the phone and costs the keychain nothing`);
    return c;
  };
  // Each op's lognormal by table, resolved once: exp(vZ) = exp(v²/2) × a mean-one multiplier of σ = v.
  const spreadOf = entries.map((e) => (e.variability > 0 ? meanOneLognormal(e.variability) : e.jitter > 0 ? meanOneLognormal(e.jitter) : null));
  const meanOf = entries.map((e) => (e.variability > 0 ? Math.exp(0.5 * e.variability * e.variability) : 1));
  const spread = (id: number, u: Uniform): number => {
    const t: MeanOneLognormal | null = spreadOf[id]!;
    return t === null ? 1 : meanOf[id]! * t.draw(u);
  };
  const sampleMsById = (id: number, u: Uniform, bytes?: number): number => {
    const e = byId(id);
    if (id === signId) return signMsForIterations(geometricTrials(u, p)) * spread(id, u);
    const m = baseMs(e, bytes);
    if (e.variability > 0) return m * spread(id, u);
    return Math.min(e.capMs, m * spread(id, u));
  };

  return Object.freeze({
    levels: Object.freeze({ ...levels }),
    nominalMs(op: TimedOp, bytes?: number): number {
      const e = entry(op);
      const m = baseMs(e, bytes);
      return e.variability > 0 ? m * Math.exp(0.5 * e.variability * e.variability) : Math.min(m, e.capMs);
    },
    sampleMs(op: TimedOp, u: Uniform, bytes?: number): number {
      return sampleMsById(opId(op), u, bytes);
    },
    signIterations(u: Uniform): number {
      if (!signModel) throw new RangeError(`crypto timing: mldsa.sign is not available: ${noMldsa}`);
      return geometricTrials(u, p);
    },
    signMsForIterations,
    cost(op: DeviceOp, durationMs: number): OpCost {
      return { durationMs, charge: chargeInto(zero(), currentsOf(opId(op), op), durationMs) };
    },
    opId,
    sampleMsById,
    chargeMcById(id: number, durationMs: number): number {
      return chargeTotal(currentsOf(id, names[id] ?? String(id)), durationMs);
    },
  });
}
