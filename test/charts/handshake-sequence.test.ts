/**
 * The sequence diagram draws what the statecharts do: both roles' operations in the order the
 * machines perform them (the phone's encapsulation and signature verification included), no
 * label on an arrow, and a legend for its marks.
 */
import { describe, expect, it } from 'vitest';
import { handshakeSequence } from '../../charts/index.ts';
import { sequenceLayout, type SequenceInput } from '../../charts/handshake-sequence.ts';
import { runLive } from '../../models/handshake/index.ts';
import { handshakeMessagesFor, handshakeTraceFor, renderSvg } from '../../reports/index.ts';

const PHASES = { radio: 80, crypto: 350, secureElement: 25, other: 10 };
const STEPS = [
  { state: 'awaitHello', op: null, message: null, direction: null, meanMs: 9.5 },
  { state: 'rxHello', op: 'ble.transfer', message: 'ClientHello', direction: 'rx' as const, meanMs: 14.2 },
  { state: 'decapsulating', op: 'mlkem.decaps', message: null, direction: null, meanMs: 8 },
  { state: 'x25519Keygen', op: 'x25519.keygen', message: null, direction: null, meanMs: 88.8 },
  { state: 'x25519Shared', op: 'x25519.shared', message: null, direction: null, meanMs: 91.9 },
  { state: 'signingPq', op: 'mldsa.sign', message: null, direction: null, meanMs: 162.4 },
  { state: 'deriving', op: 'hkdf', message: null, direction: null, meanMs: 0.2 },
  { state: 'txServerHello', op: 'ble.transfer', message: 'ServerHello', direction: 'tx' as const, meanMs: 40.3 },
  { state: 'awaitFinished', op: null, message: null, direction: null, meanMs: 8.4 },
  { state: 'rxFinished', op: 'ble.transfer', message: 'ClientFinished', direction: 'rx' as const, meanMs: 8 },
];

function input(suite: string): SequenceInput {
  return { suite, messages: handshakeMessagesFor(suite)!, timeMsByPhase: PHASES, steps: STEPS, trace: handshakeTraceFor(suite)! };
}

describe('handshake sequence from the statecharts', () => {
  const pq = input('mlkem768-mldsa65-hybrid-aesgcm');
  const L = sequenceLayout(pq);

  it('names every operation of both roles in the order the live machines perform them', () => {
    const live = runLive({ suite: 'mlkem768-mldsa65-hybrid-aesgcm', seed: 'another seed' });
    const expected = live.steps.filter((s) => s.op !== 'ble.transfer').map((s) => `${s.role === 'device' ? 'keychain' : 'phone'}:${s.op}`);
    const drawn = L.boxes.flatMap((b) => b.ops.map((op) => `${b.side}:${op}`));
    expect(drawn).toEqual(expected);
    const phone = L.boxes.filter((b) => b.side === 'phone').flatMap((b) => b.ops);
    expect(phone).toContain('mlkem.encaps');
    expect(phone).toContain('mldsa.verify');
    expect(L.arrows.map((a) => a.name)).toEqual(live.messages.map((m) => m.name));
  });

  it('a classical suite shows the phone verifying ECDSA and encapsulating nothing', () => {
    const c = sequenceLayout(input('classical-p256-aesgcm'));
    const phone = c.boxes.filter((b) => b.side === 'phone').flatMap((b) => b.ops);
    expect(phone).toContain('ecdsa.verify');
    expect(phone).not.toContain('mlkem.encaps');
  });

  it('puts no label on an arrow: arrow labels sit in their own band, box labels in rows without arrows', () => {
    const TEXT_HALF = 6;
    for (const a of L.arrows) {
      for (const b of L.arrows) expect(a.labelY + TEXT_HALF <= b.y1 || a.labelY - TEXT_HALF >= b.y2, `${a.name} label vs ${b.name} arrow`).toBe(true);
    }
    for (const box of L.boxes) {
      const mid = (box.y1 + box.y2) / 2;
      for (const a of L.arrows) expect(mid + TEXT_HALF <= a.y1 || mid - TEXT_HALF >= a.y2, `${box.label} vs ${a.name}`).toBe(true);
      expect(box.y2 - box.y1).toBeGreaterThanOrEqual(2 * TEXT_HALF);
    }
  });

  it('keychain boxes take the run\'s measured means; the phone box before a message takes the keychain\'s wait for it', () => {
    const sign = L.boxes.find((b) => b.ops.includes('mldsa.sign'))!;
    expect(sign.timed).toBe('measured');
    expect(sign.ms).toBeCloseTo(8 + 88.8 + 91.9 + 162.4 + 0.2, 9);
    const verify = L.boxes.find((b) => b.ops.includes('mldsa.verify'))!;
    expect(verify).toMatchObject({ timed: 'waited', ms: 8.4 });
    expect(L.arrows.find((a) => a.name === 'ServerHello')!.ms).toBe(40.3);
  });

  it('has a legend, and a title true of its messages', () => {
    const spec = handshakeSequence(pq);
    const svg = renderSvg(spec)!;
    expect(svg).toContain('computation, operations in statechart order');
    expect(svg).toContain('message phone → keychain');
    const bytes = pq.messages.reduce((a, m) => a + m.bytes, 0);
    const frags = pq.messages.reduce((a, m) => a + m.fragments, 0);
    expect(spec.title).toBe(`mlkem768-mldsa65-hybrid-aesgcm: 6 messages, ${bytes.toLocaleString('en-US')} B in ${frags} BLE fragments; the largest is ServerHello (3,411 B)`);
    const tableBytes = spec.table.rows.reduce((a, r) => a + (typeof r[3] === 'number' ? r[3] : 0), 0);
    expect(tableBytes).toBe(bytes);
  });
});
