/**
 * NFC transfer (ISO/IEC 14443-A via an NTAG I²C-plus-class tag, used for provisioning): the time
 * to move N bytes between the phone and the keychain, and the keychain's charge for it.
 *
 * Model (calibration.md §8): duration = session set-up + N / effective throughput (N8.3, ISO-DEP
 * framing, CRC, frame delays and phone scheduling included), never below the raw air time
 * N × byteTime (N8.2). Data crosses the tag's 64-byte SRAM buffer (N8.5) in ceil(N/64) chunks,
 * each read by the MCU over I²C. The tag is powered by the phone's field; the battery pays for
 * the MCU staying awake (N8.7) and the sleeping parts. Sampling draws the throughput and the
 * set-up time as lognormals around the profile values with their ranges as 90 % intervals.
 * @module
 */
import type { Profile } from '../../firmware/profiles/index.ts';
import { chargeOf, opCurrents, type OpCost } from './power.ts';
import { sigmaFromRange, standardNormal, type Uniform } from './sampling.ts';

export interface NfcTransfer extends OpCost {
  /** SRAM pass-through chunks the message needs. */
  chunks: number;
}

function cost(profile: Profile, bytes: number, setupMs: number, bytesPerMs: number): NfcTransfer {
  if (!(Number.isInteger(bytes) && bytes >= 0)) throw new RangeError(`nfc transfer: size must be a non-negative integer, got ${bytes}`);
  const n = profile.nfc;
  const raw = bytes * n.byteTime.value;
  const durationMs = setupMs + Math.max(raw, bytes / bytesPerMs);
  return { durationMs, chunks: Math.ceil(bytes / n.tagSramBuffer.value), charge: chargeOf(opCurrents(profile, 'nfc'), durationMs) };
}

/** The transfer at the profile's nominal set-up time and throughput. */
export function nfcTransfer(profile: Profile, bytes: number): NfcTransfer {
  return cost(profile, bytes, profile.nfc.sessionSetup.value, profile.nfc.effectiveThroughput.value);
}

/** A sampled transfer (consumes 4 uniforms). */
export function sampleNfcTransfer(profile: Profile, bytes: number, u: Uniform): NfcTransfer {
  const n = profile.nfc;
  const s = n.sessionSetup;
  const r = n.effectiveThroughput;
  const setup = s.value * Math.exp((s.range ? sigmaFromRange(s.range[0], s.range[1]) : 0) * standardNormal(u));
  const rate = r.value * Math.exp((r.range ? sigmaFromRange(r.range[0], r.range[1]) : 0) * standardNormal(u));
  return cost(profile, bytes, setup, rate);
}
