import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotAgenda, Tokens, createEnvironment, createRng } from '../../../sim/engine/index.ts';

/**
 * A random model of independent entities with cancellable slot events, run two ways: on the
 * Environment calendar with one Tokens per slot (stale events skipped), and on a SlotAgenda,
 * entity by entity in day-like windows. Each handler sets, replaces and clears slots of its own
 * entity (with zero-delay ties), drawing from that entity's stream.
 */
const SLOTS = 5;

function handlerFor(set: (e: number, s: number, at: number) => void, clear: (e: number, s: number) => void, log: string[]) {
  const rng = createRng(99);
  const streams = new Map<number, ReturnType<typeof rng.stream>>();
  return (e: number, slot: number, now: number): void => {
    let r = streams.get(e);
    if (!r) streams.set(e, (r = rng.stream('entity', e)));
    log.push(`${e}@${now}:${slot}`);
    // The slot that fired comes back later, so the entity stays alive; then 0..2 random changes.
    set(e, slot, now + 1 + Math.floor(r.next() * 20));
    const n = r.nextInt(3);
    for (let i = 0; i < n; i++) {
      const s = r.nextInt(SLOTS);
      const x = r.next();
      // Many exact ties (zero or small integer delays), so the tie order is exercised.
      if (x < 0.15) clear(e, s);
      else set(e, s, now + (x < 0.45 ? 0 : Math.floor(r.next() * 6)));
    }
  };
}

function viaCalendar(entities: number, until: number): string[][] {
  const env = createEnvironment();
  const tokens = Array.from({ length: SLOTS }, () => new Tokens(entities));
  const logs: string[] = [];
  const h = handlerFor(
    (e, s, at) => env.schedule(at, s, e, tokens[s]!.arm(e)),
    (e, s) => tokens[s]!.cancel(e),
    logs,
  );
  for (let e = 0; e < entities; e++) env.schedule(e % 7, 0, e, tokens[0]!.arm(e));
  env.run(until, (slot, e, token) => {
    if (tokens[slot]!.isCurrent(e, token)) h(e, slot, env.now);
  });
  return perEntity(logs, entities);
}

function viaAgenda(entities: number, until: number, window: number): string[][] {
  const agenda = new SlotAgenda(entities, SLOTS);
  const logs: string[] = [];
  const h = handlerFor(
    (e, s, at) => agenda.set(e, s, at),
    (e, s) => agenda.clear(e, s),
    logs,
  );
  for (let e = 0; e < entities; e++) agenda.set(e, 0, e % 7);
  for (let t = 0; t < until; ) {
    t = Math.min(until, t + window);
    for (let e = 0; e < entities; e++) {
      for (let s = agenda.popDue(e, t); s >= 0; s = agenda.popDue(e, t)) h(e, s, agenda.poppedTime);
    }
  }
  return perEntity(logs, entities);
}

function perEntity(log: readonly string[], entities: number): string[][] {
  const out: string[][] = Array.from({ length: entities }, () => []);
  for (const line of log) out[Number(line.slice(0, line.indexOf('@')))]!.push(line);
  return out;
}

describe('SlotAgenda', () => {
  it('popDue() gives each entity the same event sequence as a (time, sequence) calendar with cancellation tokens', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 400 }), (entities, window) => {
        const a = viaCalendar(entities, 600);
        const b = viaAgenda(entities, 600, window);
        expect(b).toEqual(a);
        expect(a.flat().length).toBeGreaterThan(entities * 50);
      }),
      { numRuns: 40 },
    );
  });

  it('set() replaces the slot event and clear() cancels it', () => {
    const ag = new SlotAgenda(2, 3);
    ag.set(1, 0, 10);
    ag.set(1, 0, 30); // replaces 10
    ag.set(1, 2, 20);
    ag.set(1, 1, 5);
    ag.clear(1, 1);
    expect(ag.nextTime(1)).toBe(20);
    expect(ag.nextTime(0)).toBe(Infinity);
    expect(ag.popDue(1, 19)).toBe(-1);
    expect(ag.popDue(1, 25)).toBe(2);
    expect(ag.poppedTime).toBe(20);
    expect(ag.popDue(1, Infinity)).toBe(0);
    expect(ag.poppedTime).toBe(30);
    expect(ag.popDue(1, Infinity)).toBe(-1);
    expect(ag.timeOf(1, 0)).toBe(Infinity);
  });

  it('equal times pop in the order the slots were set, whatever the slot index', () => {
    const ag = new SlotAgenda(1, 4);
    ag.set(0, 3, 7);
    ag.set(0, 0, 7);
    ag.set(0, 2, 7);
    ag.set(0, 1, 7);
    ag.set(0, 3, 7); // re-set: now the latest
    const order: number[] = [];
    for (let s = ag.popDue(0, 7); s >= 0; s = ag.popDue(0, 7)) order.push(s);
    expect(order).toEqual([0, 2, 1, 3]);
  });

  it('handles all 32 slots, the sign bit of the mask included', () => {
    const ag = new SlotAgenda(3, 32);
    for (let s = 0; s < 32; s++) ag.set(1, s, 100 - s);
    ag.clear(1, 5);
    const order: number[] = [];
    for (let s = ag.popDue(1, Infinity); s >= 0; s = ag.popDue(1, Infinity)) order.push(s);
    expect(order).toEqual(Array.from({ length: 32 }, (_, i) => 31 - i).filter((s) => s !== 5));
    expect(ag.nextTime(0)).toBe(Infinity);
    expect(ag.popDue(2, Infinity)).toBe(-1);
  });

  it('rejects a non-finite time and bad sizes, naming what and where', () => {
    const ag = new SlotAgenda(1, 2);
    expect(() => ag.set(0, 1, NaN)).toThrow(/entity 0, slot 1.*finite time.*NaN/);
    expect(() => ag.set(0, 1, Infinity)).toThrow(/finite time/);
    expect(() => new SlotAgenda(-1, 2)).toThrow(/entities.*-1/);
    expect(() => new SlotAgenda(1, 0)).toThrow(/slots.*0/);
    expect(() => new SlotAgenda(1, 33)).toThrow(/slots must be an integer in 1..32, got 33/);
    // 2 slots: a time (8 bytes) and a sequence number (1) each, the mask (1 byte up to 8 slots),
    // the next number (1); the mask takes 2 bytes up to 16 slots and 4 beyond.
    expect(ag.byteLength).toBe(20);
    expect(new SlotAgenda(1, 9).byteLength).toBe(9 * 9 + 2 + 1);
    expect(new SlotAgenda(1, 17).byteLength).toBe(17 * 9 + 4 + 1);
  });

  it('keeps the set order of tied slots across the renumbering of its byte-wide sequence numbers', () => {
    // Thousands of sets on one entity (the per-entity counter wraps every ~220), with pops in
    // between; at each pop the reference order is the order of the last sets of the tied slots.
    for (const slots of [3, 6, 12, 32]) {
      const ag = new SlotAgenda(2, slots);
      const r = createRng(7).stream('renumber', slots);
      const lastSet = new Array<number>(slots).fill(-1);
      let sets = 0;
      let pops = 0;
      for (let i = 0; i < 5000; i++) {
        const s = r.nextInt(slots);
        if (r.next() < 0.8) {
          ag.set(1, s, 50);
          lastSet[s] = sets++;
        } else {
          const want = lastSet.reduce((best, q, slot) => (q >= 0 && (best < 0 || q < lastSet[best]!) ? slot : best), -1);
          expect(ag.popDue(1, 50)).toBe(want);
          if (want >= 0) lastSet[want] = -1;
          pops++;
        }
      }
      expect(sets).toBeGreaterThan(3000);
      expect(pops).toBeGreaterThan(500);
      expect(ag.nextTime(0)).toBe(Infinity);
    }
  });
});
