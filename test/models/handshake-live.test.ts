import { beforeAll, describe, expect, it } from 'vitest';
import { keytwinInProcess } from '../cli/in-process.helpers.ts';
import { liveExpectation, runLive } from '../../models/handshake/index.ts';
import { ATTACKS, createWorld, messageSizes, parseSuite, bytesToHex } from '../../firmware/index.ts';

/** `keytwin handshake --attack list`, one line per attack: kind → its listed outcome. */
async function attackListing(): Promise<Map<string, string>> {
  const { code, out } = await keytwinInProcess('handshake', '--attack', 'list');
  expect(code).toBe(0);
  return new Map(out.trimEnd().split('\n').map((l) => [l.split(/\s+/)[0]!, l]));
}

describe('runLive', () => {
  const world = createWorld('live-test');

  for (const id of ['mlkem768-mldsa65-hybrid-aesgcm', 'mlkem1024-mldsa87-pq-xchacha', 'classical-p256-aesgcm']) {
    it(`runs both machines to an established session and closes it (${id})`, () => {
      const r = runLive({ world, suite: id });
      expect(r.rejection).toBeNull();
      expect(r.established).toBe(true);
      expect(r.unlocked).toBe(1);
      expect(r.final.phone).toMatchObject({ state: 'closed', keys: 'destroyed', deviceAuthenticated: true, phoneAuthenticated: true });
      expect(r.final.device).toMatchObject({ state: 'closed', keys: 'destroyed', deviceAuthenticated: true, phoneAuthenticated: true });
      const sizes = messageSizes(id);
      expect(r.messages.map((m) => m.name)).toEqual(['ClientHello', 'ServerHello', 'ClientFinished', 'SessionReady', 'UnlockRequest', 'UnlockResult']);
      for (const m of r.messages) {
        expect(m.bytes.length).toBe(sizes[m.name]);
        expect(m.fields.reduce((n, f) => n + f.length, 0)).toBe(m.bytes.length);
      }
    });
  }

  it('times each crypto step with the injected clock, under the op named by the state', () => {
    let t = 0;
    const r = runLive({ world, now: () => (t += 1.5) });
    const ops = r.steps.map((s) => `${s.role}:${s.op}`);
    for (const op of ['phone:x25519.keygen', 'phone:mlkem.encaps', 'device:mlkem.decaps', 'device:mldsa.sign', 'phone:mldsa.verify', 'device:x25519.shared', 'device:hkdf', 'device:se.hmac', 'device:aead.seal'])
      expect(ops).toContain(op);
    for (const s of r.steps) expect(s.ms).toBe(1.5);
  });

  it('seeded ⇒ identical transcript; unseeded ⇒ different', () => {
    const hex = (seed?: string) => runLive({ seed, suite: 'mlkem512-mldsa44-hybrid-xchacha' }).messages.map((m) => bytesToHex(m.bytes));
    expect(hex('x')).toEqual(hex('x'));
    expect(hex()).not.toEqual(hex());
  });

  // Issue 15: the listing said reorder-records ends in replay.seq at the device; the live run
  // (what `keytwin handshake --attack` shows) ends in timeout.result at the phone. The listing now
  // states the live outcome, and every attack is run live against it.
  let listing: Map<string, string>;
  beforeAll(async () => {
    listing = await attackListing();
  });
  it('lists every attack once', () => {
    expect([...listing.keys()].sort()).toEqual(ATTACKS.map((a) => a.kind).sort());
  });
  for (const attack of ATTACKS) {
    const live = liveExpectation(attack);
    it(`${attack.kind}: rejected with ${live.check} (${live.by}) as listed, no session survives`, () => {
      const suite = parseSuite('mlkem768-mldsa65-hybrid-aesgcm');
      const r = runLive({ world, suite, attack: attack.kind });
      expect(r.established).toBe(false);
      expect({ check: r.rejection?.check, by: r.rejection?.by }).toEqual({ check: live.check, by: live.by });
      expect(listing.get(attack.kind)).toContain(`→ ${r.rejection?.check} (${r.rejection?.by})`);
      for (const role of ['phone', 'device'] as const) {
        expect(['failed', 'closed']).toContain(r.final[role].state);
        expect(r.final[role].keys).not.toBe('live');
      }
      expect(r.final.phone.state === 'failed' || r.final.device.state === 'failed').toBe(true);
    });
  }

  it('rejects an attack that does not apply to the suite', () => {
    expect(() => runLive({ world, suite: 'classical-p256-aesgcm', attack: 'downgrade-strip-hybrid' })).toThrow(/does not apply/);
  });
});
