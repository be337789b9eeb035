/**
 * Negative vectors: for the default suite with the full default offer registered (so the
 * ClientHello carries 3 offered suites, 1,171 bytes), one input per rejection path, the check it
 * must fail with and the role's state after (always `failed`: every rejection is fatal). Plus the
 * record limits. `npx tsx test/vectors/negative.ts` rewrites negative.json; negative.test.ts
 * regenerates and compares byte for byte.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesToHex, createWorld, defaultOffer, deriveSessionKeys, DeviceHandshake, PhoneHandshake, ProtocolError, Session, DEFAULT_SUITE } from '../../firmware/index.ts';
import { __tests } from '../../firmware/session.ts';

export const NEGATIVE_FILE = fileURLToPath(new URL('./negative.json', import.meta.url));
const SEED = 'keytwin-vector/v1/negative';

function rejectCheck(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolError) return e.check;
    throw e;
  }
  return 'accepted';
}

export function makeNegative() {
  const world = createWorld(SEED, defaultOffer(DEFAULT_SUITE));
  const phone = new PhoneHandshake({ pairing: world.pairing, random: world.phoneRandom });
  phone.x25519Keygen();
  phone.encapsulate();
  const ch = phone.clientHello();
  const mut = (b: Uint8Array, f: (x: Uint8Array) => void) => {
    const c = b.slice();
    f(c);
    return c;
  };
  const deviceCases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['unknown type 0x7f', mut(ch, (c) => (c[0] = 0x7f))],
    ['ServerHello type where ClientHello is expected', mut(ch, (c) => (c[0] = 0x02))],
    ['version 0x02', mut(ch, (c) => (c[1] = 0x02))],
    ['unknown chosen suite 01 02 02 09', mut(ch, (c) => (c[5] = 0x09))],
    ['offeredCount 0', mut(ch, (c) => (c[6] = 0))],
    ['truncated by one byte', ch.subarray(0, ch.length - 1)],
    ['offer out of order (first two swapped)', mut(ch, (c) => c.set([...ch.subarray(11, 15), ...ch.subarray(7, 11)], 7))],
    ['chosen suite rewritten to the pq counterpart: the length is judged by the new suite (no X25519 share), so decode.length comes first', mut(ch, (c) => c.set(ch.subarray(11, 15), 2))],
  ];
  const cases = deviceCases.map(([name, input]) => {
    const device = new DeviceHandshake({ se: world.se, helloCache: world.helloCache });
    const check = rejectCheck(() => device.receiveClientHello(input));
    return { role: 'device', state: 'awaitHello', name, input: bytesToHex(input), check, stateAfter: device.phase };
  });
  // the genuine hello once, then the same bytes again: replay.hello
  const d1 = new DeviceHandshake({ se: world.se, helloCache: world.helloCache });
  d1.receiveClientHello(ch);
  const d2 = new DeviceHandshake({ se: world.se, helloCache: world.helloCache });
  cases.push({ role: 'device', state: 'awaitHello', name: 'the same ClientHello a second time', input: bytesToHex(ch), check: rejectCheck(() => d2.receiveClientHello(ch)), stateAfter: d2.phase });

  // Records at the window edges and the sequence limit (session keys of a fixed th2; default window 1).
  const keys = () => deriveFixed();
  const records: { name: string; input: string; check: string; stateAfter: string }[] = [];
  const pair = () => ({ tx: new Session(DEFAULT_SUITE, 'phone', copy(keys()), 1), rx: new Session(DEFAULT_SUITE, 'device', copy(keys()), 1) });
  {
    const { tx, rx } = pair();
    const r0 = tx.seal(new Uint8Array([0x02, 1, 2, 3, 4, 5, 6, 7, 8]));
    rx.open(r0);
    records.push({ name: 'seq 0 again after seq 0 was accepted (window 1)', input: bytesToHex(r0), check: rejectCheck(() => rx.open(r0)), stateAfter: rx.closed ? 'closed' : 'open' });
  }
  {
    const { tx, rx } = pair();
    __tests.setSendSeq(tx, 0xffff_ffff_ffff_fffen);
    const last = tx.seal(new Uint8Array([0x02, 1, 2, 3, 4, 5, 6, 7, 8]));
    records.push({ name: 'seq 2^64 - 2: the last valid number', input: bytesToHex(last), check: rejectCheck(() => rx.open(last)), stateAfter: rx.closed ? 'closed' : 'open' });
    records.push({ name: 'sender at 2^64 - 1: refuses to seal', input: '', check: rejectCheck(() => tx.seal(new Uint8Array([0x02, 0, 0, 0, 0, 0, 0, 0, 0]))), stateAfter: tx.closed ? 'closed' : 'open' });
    const reserved = mut(last, (c) => c.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 2));
    const { rx: rx2 } = pair();
    records.push({ name: 'seq 2^64 - 1 (reserved), rejected before the tag', input: bytesToHex(reserved), check: rejectCheck(() => rx2.open(reserved)), stateAfter: rx2.closed ? 'closed' : 'open' });
  }
  {
    const { tx, rx } = pair();
    const r = tx.seal(new Uint8Array([0x02, 1, 2, 3, 4, 5, 6, 7, 8]));
    const bad = mut(r, (c) => (c[c.length - 1]! ^= 1));
    records.push({ name: 'tag bit flipped', input: bytesToHex(bad), check: rejectCheck(() => rx.open(bad)), stateAfter: rx.closed ? 'closed' : 'open' });
  }
  return {
    suite: DEFAULT_SUITE.id,
    seed: SEED,
    registration: bytesToHex(world.provisioning.registration),
    clientHello: { length: ch.length, offered: phone.offered.map((s) => s.id), hex: bytesToHex(ch) },
    clientHelloRejections: cases,
    recordKeys: Object.fromEntries(Object.entries(keys()).map(([k, v]) => [k, bytesToHex(v as Uint8Array)])),
    records,
  };
}

function deriveFixed() {
  const th2 = new Uint8Array(32).fill(0x33);
  return deriveSessionKeys(DEFAULT_SUITE, new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x22), th2);
}
const copy = <T extends object>(k: T): T => Object.fromEntries(Object.entries(k).map(([a, v]) => [a, (v as Uint8Array).slice()])) as T;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(NEGATIVE_FILE, JSON.stringify(makeNegative(), null, 1) + '\n');
  process.stdout.write(`wrote ${NEGATIVE_FILE}\n`);
}
