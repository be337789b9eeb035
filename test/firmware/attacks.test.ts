import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ATTACKS, createWorld, fieldsOf, flipBit, parseAttack, runAttack, runHandshake, parseSuite, SUITES, type WireName } from '../../firmware/index.ts';

const world = createWorld('attacks');
const sample = ['mlkem768-mldsa65-hybrid-aesgcm', 'mlkem1024-mldsa87-pq-xchacha', 'mlkem512-mldsa44-hybrid-xchacha', 'classical-p256-aesgcm'].map(parseSuite);

describe('attacks', () => {
  for (const attack of ATTACKS) {
    it(`${attack.kind} is caught by ${attack.expect.check} (${attack.expect.by}) and both sides end locked`, () => {
      const suites = sample.filter((s) => attack.applies(s));
      expect(suites.length).toBeGreaterThan(0);
      for (const suite of suites) {
        const r = runAttack(attack.kind, world, suite);
        expect(r.established, suite.id).toBe(false);
        expect(r.rejection?.check, suite.id).toBe(attack.expect.check);
        expect(r.rejection?.by, suite.id).toBe(attack.expect.by);
        expect(r.phone.phase).toBe('failed');
        expect(r.device.phase).toBe('failed');
        expect(r.phone.session).toBeNull();
      }
    });
  }
  it('parseAttack lists the valid kinds', () => {
    expect(() => parseAttack('nope')).toThrow(/valid attacks: bitflip-clienthello/);
  });
  it('every attack applies to at least one suite', () => {
    for (const a of ATTACKS) expect(SUITES.some((s) => a.applies(s))).toBe(true);
  });
});

describe('property: any bit of any field of any message', () => {
  const suite = parseSuite('mlkem512-mldsa44-hybrid-aesgcm');
  const genuine = runHandshake(world, { suite });
  const targets = genuine.sent.flatMap((m) => fieldsOf(m.name, m.bytes).map((f) => ({ name: m.name as WireName, field: f.name, bits: f.bytes.length * 8 })));

  it('is never accepted: the run is rejected with a named check', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.nat(), (t, bit) => {
        let done = false;
        const r = runHandshake(world, {
          suite,
          intercept: (m) => {
            if (done || m.name !== t.name) return [{ to: m.from === 'phone' ? 'device' : 'phone', bytes: m.bytes }];
            done = true;
            return [{ to: m.from === 'phone' ? 'device' : 'phone', bytes: flipBit(m.name, m.bytes, t.field, bit % t.bits) }];
          },
        });
        expect(r.established).toBe(false);
        expect(r.rejection?.check).toMatch(/^[a-z0-9]+\.[a-zA-Z]+$/);
        expect(r.device.session).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('arbitrary bytes in place of any message: rejected, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom<WireName>('ClientHello', 'ServerHello', 'ClientFinished', 'SessionReady', 'UnlockRequest'), fc.uint8Array({ maxLength: 4000 }), (name, junk) => {
        let done = false;
        const r = runHandshake(world, {
          suite,
          intercept: (m) => {
            const to = m.from === 'phone' ? 'device' : 'phone';
            if (done || m.name !== name) return [{ to, bytes: m.bytes }];
            done = true;
            return [{ to, bytes: junk }];
          },
        });
        expect(r.established).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
