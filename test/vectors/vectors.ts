/**
 * Deterministic transcript vectors. Two families, one format (test/vectors/README.md):
 * - `<suite>.json`: a device provisioned for that suite alone, so the offer has one entry;
 * - `default-offer/<suite>.json`: a device provisioned for all 38 suites, and the phone sends the
 *   default offer for the chosen suite (docs/protocol.md §ClientHello), so multi-suite
 *   registrations (key order) and multi-entry offers (the 1,171-byte default ClientHello) are
 *   exercised for every suite that can be chosen.
 * Each: one handshake and one unlock exchange, every message with its field layout, the transcript
 * hashes and the derived session keys. `npx tsx test/vectors/vectors.ts` rewrites the JSON files;
 * vectors.test.ts regenerates them and compares byte for byte.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWorld, fieldsOf, offerOrder, runHandshake, bytesToHex, transcriptHash, SUITES, type Suite } from '../../firmware/index.ts';
import { __tests } from '../../firmware/session.ts';

export const VECTOR_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DEFAULT_OFFER_DIR = `${VECTOR_DIR}default-offer/`;

/** Which family a vector belongs to: what the device registers. */
export type Family = 'single' | 'default-offer';

/** Every suite, in offer order: the registration of the default-offer family (a device SHOULD list its suites so). */
export const ALL_SUITES_IN_OFFER_ORDER: readonly Suite[] = Object.freeze([...SUITES].sort(offerOrder));

export const vectorSeed = (suite: Suite, family: Family = 'single') =>
  family === 'single' ? `keytwin-vector/v1/${suite.id}` : `keytwin-vector/v1/default-offer/${suite.id}`;

export function makeVector(suite: Suite, family: Family = 'single') {
  const seed = vectorSeed(suite, family);
  const registered = family === 'single' ? [suite] : ALL_SUITES_IN_OFFER_ORDER;
  const world = createWorld(seed, registered);
  // No `offered`: the phone sends its default offer restricted to the registration.
  const r = runHandshake(world, { suite });
  if (!r.established) throw new Error(`vector ${family}/${suite.id}: handshake failed (${r.rejection?.check})`);
  const keys = __tests.sessionKeys(r.phone.session!)!;
  const [ch, sh] = [r.sent[0]!.bytes, r.sent[1]!.bytes];
  return {
    suite: suite.id,
    suiteCode: bytesToHex(Uint8Array.from(suite.code)),
    seed,
    streams: { device: `${seed}/device`, phone: `${seed}/phone` },
    registeredSuites: registered.map((s) => s.id),
    offered: r.phone.offered.map((s) => s.id),
    provisioning: { bondRequest: bytesToHex(world.provisioning.bondRequest), deviceRegistration: bytesToHex(world.provisioning.registration) },
    messages: r.sent.map((m) => ({
      name: m.name,
      from: m.from,
      length: m.bytes.length,
      fields: fieldsOf(m.name, m.bytes).map((f) => ({ name: f.name, offset: f.offset, length: f.bytes.length })),
      hex: bytesToHex(m.bytes),
    })),
    transcript: { clientHelloHash: bytesToHex(transcriptHash(ch)), th2: bytesToHex(transcriptHash(ch, sh)) },
    sessionKeys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, bytesToHex(v as Uint8Array)])),
  };
}

export const vectorFile = (suite: Suite, family: Family = 'single') => `${family === 'single' ? VECTOR_DIR : DEFAULT_OFFER_DIR}${suite.id}.json`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(DEFAULT_OFFER_DIR, { recursive: true });
  for (const family of ['single', 'default-offer'] as const)
    for (const s of SUITES) writeFileSync(vectorFile(s, family), JSON.stringify(makeVector(s, family), null, 1) + '\n');
  process.stdout.write(`wrote ${2 * SUITES.length} vectors under ${VECTOR_DIR}\n`);
}
