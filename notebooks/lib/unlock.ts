/**
 * Browser entry of "The unlock, step by step": the project's own handshake (models/handshake
 * runLive: the XState machines driving firmware/ crypto with @noble) and the simulator's own
 * physics (sim/device timing, BLE link and battery on the default profile) put side by side per
 * step. Bundled by notebooks/build-lib.ts; nothing here is a copy of the protocol or the physics.
 * @module
 */
import { ATTACKS, SUITE_IDS, bleFragments, bytesToHex, llPayloadSizes, parseSuite, type Suite } from '../../firmware/index.ts';
import { runLive, type LiveResult } from '../../models/handshake/index.ts';
import { defaultProfile } from '../../firmware/profiles/index.ts';
import { createCell, createCryptoTiming, energyMj, linkParams, prepareLink, sampleTransferInto, suiteLevels, total, transferSample, type TimedOp } from '../../sim/device/index.ts';
import { createRng } from '../../sim/engine/index.ts';

export { SUITE_IDS, bytesToHex };

/** The attack catalogue (firmware/attacks.ts) as the page lists it. */
export const ATTACK_LIST = ATTACKS.map((a) => ({ kind: a.kind, description: a.description, check: a.expect.check, by: a.expect.by }));

/** Attack kinds that apply to a suite (e.g. no downgrade-strip-hybrid on a pure-PQ suite). */
export function attacksFor(suiteId: string): string[] {
  const s = parseSuite(suiteId);
  return ATTACKS.filter((a) => a.applies(s)).map((a) => a.kind);
}

/**
 * The phone's own costs: the machine names the operation, the profile times it on the phone
 * (phone.* figures). The same choice of figures as the fleet's phone model (sim/twin
 * partition-behaviour.ts). Phone operations absent here (hkdf, AEAD, ECDSA verify) have no phone
 * figure in the profile and are shown as such.
 */
const PHONE_FIGURE: Readonly<Record<string, TimedOp>> = { 'x25519.keygen': 'phone.x25519', 'x25519.shared': 'phone.x25519', 'mlkem.encaps': 'phone.mlkem.encaps', 'mldsa.verify': 'phone.mldsa.verify' };

export interface CostedStep {
  role: 'phone' | 'device';
  state: string;
  op: string;
  message: string | null;
  ok: boolean;
  /** Mean duration on the modelled hardware (profile), ms; null when the profile has no figure. */
  profileMs: number | null;
  /** Keychain battery energy, mJ (phone steps cost the keychain nothing). */
  deviceMj: number;
  /** Elapsed time at the end of the step, steps taken one after another, ms. */
  atMs: number;
  /** Where the numbers come from. */
  source: string;
}

export interface Fragment {
  message: string;
  /** Connection event (0-based) the LL PDU leaves in, and its time from the message's first event, ms. */
  event: number;
  atMs: number;
  /** Its place within the connection event (0 = first PDU of the event). */
  slot: number;
  bytes: number;
}

export interface UnlockRun {
  live: LiveResult;
  suite: Suite;
  steps: CostedStep[];
  totalMs: number;
  totalMj: number;
  bytes: number;
  fragments: Fragment[];
  link: { attMtu: number; connIntervalMs: number; packetsPerEvent: number; phy: string; rssiDbm: number };
}

/** RSSI the per-step BLE costs are sampled at: a phone in the owner's hand. */
const RSSI_DBM = -60;

/**
 * Runs the handshake of `suiteId` (optionally under `attack`) with the seeded random streams of
 * `seed`, and costs each step on the default profile. BLE transfers are sampled once from the
 * simulator's link model (loss at RSSI −60 dBm, a seeded stream), starting at a connection anchor.
 */
export function runUnlock(suiteId: string, attack: string | null, seed: string): UnlockRun {
  const suite = parseSuite(suiteId);
  const live = runLive({ suite, seed, ...(attack ? { attack } : {}) });
  const profile = defaultProfile();
  const timing = createCryptoTiming(profile, suiteLevels(suite));
  const cell = createCell(profile);
  const link = linkParams(profile, { rssiDbm: RSSI_DBM });
  const prepared = prepareLink(profile, link);
  const radio = createRng(`notebook/${seed}`).stream('ble');
  const sample = transferSample();
  const sizes = new Map(live.messages.map((m) => [m.name, m.bytes.length]));
  const eventsOf = new Map<string, number>();
  let at = 0;
  let mj = 0;
  const steps: CostedStep[] = live.steps.map((s) => {
    let ms: number | null = null;
    let deviceMj = 0;
    let source: string;
    if (s.op === 'ble.transfer') {
      const bytes = s.message ? sizes.get(s.message as never) : undefined;
      if (s.role === 'device' && bytes !== undefined) {
        // Direction as the keychain sees it: it receives the phone's messages.
        const t = sampleTransferInto(sample, prepared, bytes, s.message === 'ServerHello' || s.message === 'SessionReady' || s.message === 'UnlockResult' ? 'tx' : 'rx', radio, true);
        ms = t.durationMs;
        eventsOf.set(s.message!, t.events);
        deviceMj = energyMj(cell, total(t.charge));
        source = `${bytes} B over BLE: ${t.llPackets} LL PDUs in ${t.events} connection events (${t.transmissions - t.llPackets} retransmitted)`;
      } else {
        ms = 0;
        source = bytes === undefined ? 'nothing arrived' : 'the same air time as the keychain side of this transfer';
      }
    } else if (s.role === 'device') {
      const op = s.op as TimedOp;
      ms = timing.nominalMs(op, op.startsWith('aead.') ? sizes.get('UnlockRequest') : undefined);
      deviceMj = energyMj(cell, total(timing.cost(op as never, ms).charge));
      source = `profile: ${op} on the keychain`;
    } else {
      const fig = PHONE_FIGURE[s.op];
      ms = fig ? timing.nominalMs(fig) : null;
      source = fig ? `profile: ${fig}` : 'phone side: no figure in the profile';
    }
    at += ms ?? 0;
    mj += deviceMj;
    return { role: s.role, state: s.state, op: s.op, message: s.message, ok: s.ok, profileMs: ms, deviceMj, atMs: at, source };
  });
  const fragments: Fragment[] = [];
  for (const m of live.messages) {
    const payloads = llPayloadSizes(m.bytes.length, link.attMtu, link.llPayloadMax);
    // The link model (sim/device/ble.ts) says how many connection events the transfer took; the
    // PDUs are drawn spread evenly over them (all but the last PDU are full-size, so they pack evenly).
    const events = Math.max(1, eventsOf.get(m.name) ?? Math.ceil(payloads.length / link.packetsPerEvent));
    const per = Math.ceil(payloads.length / events);
    payloads.forEach((b, i) => fragments.push({ message: m.name, event: Math.floor(i / per), atMs: Math.floor(i / per) * link.connIntervalMs, slot: i % per, bytes: b }));
  }
  const bytes = live.messages.reduce((a, m) => a + m.bytes.length, 0);
  return { live, suite, steps, totalMs: at, totalMj: mj, bytes, fragments, link: { attMtu: link.attMtu, connIntervalMs: link.connIntervalMs, packetsPerEvent: link.packetsPerEvent, phy: link.phy, rssiDbm: RSSI_DBM } };
}

/** ATT/LL fragment counts of a message at an ATT MTU (firmware/sizes.ts). */
export const fragmentsOf = bleFragments;

/** What each wire field means, for the page's highlighting (docs/protocol.md). */
export const FIELD_MEANING: Readonly<Record<string, string>> = {
  version: 'protocol version byte',
  type: 'message type',
  offeredCount: 'how many suites the phone offers',
  bondSlot: 'which bonded phone credential slot this phone uses',
  confirm: 'key confirmation: MAC proving the phone derived the same session key',
  suite: 'the suite the phone chose',
  offered: 'every suite the phone offered (bound in the transcript: downgrade-resistant)',
  clientNonce: "the phone's fresh nonce (replay protection)",
  x25519Share: 'ephemeral X25519 public key (classical half of the hybrid)',
  kemCiphertext: "ML-KEM ciphertext encapsulated to the keychain's registered key",
  clientHelloHash: 'hash of the ClientHello the keychain received',
  deviceNonce: "the keychain's fresh nonce",
  signature: 'signature over the transcript by the keychain (ML-DSA, or ECDSA P-256 if classical)',
  auth: 'proof of the credential bonded at NFC provisioning',
  seq: 'record sequence number (replay window)',
  ciphertext: 'AEAD ciphertext + tag of the record',
};
