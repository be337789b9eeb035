/**
 * Deterministic transcript vectors: for each suite, a seeded world provisioned for that suite
 * alone, one handshake and one unlock exchange, every message with its field layout, plus the
 * transcript hash and the derived session keys. `npx tsx test/vectors/vectors.ts` rewrites the
 * JSON files; vectors.test.ts regenerates them and compares byte for byte.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWorld, fieldsOf, runHandshake, bytesToHex, transcriptHash, SUITES, type Suite } from '../../firmware/index.ts';
import { __tests } from '../../firmware/session.ts';

export const VECTOR_DIR = fileURLToPath(new URL('.', import.meta.url));
export const vectorSeed = (suite: Suite) => `keytwin-vector/v1/${suite.id}`;

export function makeVector(suite: Suite) {
  const seed = vectorSeed(suite);
  const world = createWorld(seed, [suite]);
  const r = runHandshake(world, { suite });
  if (!r.established) throw new Error(`vector ${suite.id}: handshake failed (${r.rejection?.check})`);
  const keys = __tests.sessionKeys(r.phone.session!)!;
  const [ch, sh] = [r.sent[0]!.bytes, r.sent[1]!.bytes];
  return {
    suite: suite.id,
    suiteCode: bytesToHex(Uint8Array.from(suite.code)),
    seed,
    streams: { device: `${seed}/device`, phone: `${seed}/phone` },
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

export const vectorFile = (suite: Suite) => `${VECTOR_DIR}${suite.id}.json`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const s of SUITES) writeFileSync(vectorFile(s), JSON.stringify(makeVector(s), null, 1) + '\n');
  process.stdout.write(`wrote ${SUITES.length} vectors to ${VECTOR_DIR}\n`);
}
