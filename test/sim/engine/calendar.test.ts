import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCalendar, MAX_PRIORITY, MIN_PRIORITY, Tokens, createEnvironment, createRng, exponential } from '../../../sim/engine/index.ts';

/** The reference: a sorted array, re-sorted by (time, priority, seq) on every pop. Obviously right, O(n log n). */
interface RefEntry {
  time: number;
  priority: number;
  seq: number;
  data: number;
}
const byKey = (a: RefEntry, b: RefEntry) => a.time - b.time || a.priority - b.priority || a.seq - b.seq;

type Op = { op: 'push'; time: number; priority: number } | { op: 'pop' } | { op: 'cancel'; pick: number };

// Times from a small set so that exact ties (same time, same priority) are frequent.
const timeArb = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }));
const priorityArb = fc.oneof(fc.constant(0), fc.integer({ min: -2, max: 2 }), fc.integer({ min: MIN_PRIORITY, max: MAX_PRIORITY }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), time: timeArb, priority: priorityArb }) },
  { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
);

describe('EventCalendar (4-ary heap) against a sorted-array reference', () => {
  it('random push / cancel / pop: identical pop order, including exact ties and cancelled entries', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 500 }), (ops: Op[]) => {
        const cal = new EventCalendar(16); // small: exercises growth
        const ref: RefEntry[] = [];
        // Cancellation is lazy, as in the engine (Tokens): a cancelled entry stays queued and is
        // skipped when popped, so the heap must still return it at its exact place in the order.
        const cancelled = new Set<number>();
        const live: number[] = [];
        let n = 0;
        const popBoth = () => {
          ref.sort(byKey);
          const want = ref.shift();
          expect(cal.pop()).toBe(want !== undefined);
          if (want === undefined) return;
          expect([cal.poppedTime, cal.poppedPriority, cal.poppedSeq, cal.poppedData, cal.poppedKind, cal.poppedTarget]).toEqual([
            want.time, want.priority, want.seq, want.data, want.data % 7, (want.data * 2654435761) >>> 0,
          ]);
          expect(cancelled.has(cal.poppedData)).toBe(cancelled.has(want.data));
        };
        for (const o of ops) {
          if (o.op === 'push') {
            const data = n++;
            const seq = cal.push(o.time, o.priority, data % 7, (data * 2654435761) >>> 0, data);
            ref.push({ time: o.time, priority: o.priority, seq, data });
            live.push(data);
          } else if (o.op === 'cancel') {
            if (live.length > 0) cancelled.add(live[o.pick % live.length]!);
          } else popBoth();
          expect(cal.size).toBe(ref.length);
          expect(cal.peekTime()).toBe(ref.length === 0 ? Infinity : Math.min(...ref.map((e) => e.time)));
        }
        while (ref.length > 0) popBoth();
        expect(cal.pop()).toBe(false);
        expect(cal.peekTime()).toBe(Infinity);
      }),
      { numRuns: 300 },
    );
  });

  it('hold model with skewed increments (bimodal, heavy tail, integer ties) at a few thousand pending', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('exp', 'mixture', 'ties', 'bimodal'), (seed, shape) => {
        const rng = createRng(seed);
        const increment = (): number => {
          const u = rng.next();
          if (shape === 'exp') return exponential(rng, 1);
          if (shape === 'ties') return Math.floor(u * 3);
          if (shape === 'bimodal') return u < 0.5 ? exponential(rng, 1e-3) : exponential(rng, 1e4);
          return u < 0.9 ? exponential(rng, 0.01) : u < 0.99 ? exponential(rng, 100) : 1e7 * rng.next();
        };
        const cal = new EventCalendar(16);
        const ref: RefEntry[] = [];
        const pending = 100 + rng.nextInt(2000);
        for (let i = 0; i < pending; i++) {
          const time = increment();
          ref.push({ time, priority: 0, seq: cal.push(time, 0, 0, i, i), data: i });
        }
        ref.sort(byKey);
        let mismatches = 0;
        for (let step = 0; step < 3000 && ref.length > 0; step++) {
          const want = ref.shift()!;
          cal.pop();
          if (cal.poppedTime !== want.time || cal.poppedSeq !== want.seq || cal.poppedData !== want.data) mismatches++;
          const pushes = rng.next() < 0.5 ? 1 : rng.next() < 0.5 ? 2 : 0;
          for (let k = 0; k < pushes; k++) {
            const time = want.time + increment();
            const priority = rng.nextInt(3) - 1;
            const e = { time, priority, seq: cal.push(time, priority, 0, step, step), data: step };
            // Insert in order (binary search on the key): the reference stays sorted.
            let lo = 0;
            let hi = ref.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (byKey(ref[mid]!, e) < 0) lo = mid + 1;
              else hi = mid;
            }
            ref.splice(lo, 0, e);
          }
        }
        expect(mismatches).toBe(0);
        expect(cal.size).toBe(ref.length);
      }),
      { numRuns: 12 },
    );
  });

  it('grows past its initial capacity and keeps every entry', () => {
    const cal = new EventCalendar(16);
    for (let i = 0; i < 5000; i++) cal.push((i * 7919) % 1000, 0, 1, i, -i);
    expect(cal.size).toBe(5000);
    expect(cal.capacity).toBeGreaterThanOrEqual(5000);
    let prev = -1;
    const seen = new Set<number>();
    while (cal.pop()) {
      expect(cal.poppedTime).toBeGreaterThanOrEqual(prev);
      prev = cal.poppedTime;
      seen.add(cal.poppedTarget);
      expect(cal.poppedData + cal.poppedTarget).toBe(0);
    }
    expect(seen.size).toBe(5000);
  });

  it('keeps full uint32 targets, negative int32 data and kind 0xFFFF', () => {
    const cal = new EventCalendar(1024);
    cal.push(1, 0, 0xfffe, 0xffffffff, -2147483648);
    cal.push(2, 0, 0xffff, 0, 2147483647);
    cal.pop();
    expect([cal.poppedKind, cal.poppedTarget, cal.poppedData]).toEqual([0xfffe, 0xffffffff, -2147483648]);
    cal.pop();
    expect([cal.poppedKind, cal.poppedTarget, cal.poppedData]).toEqual([0xffff, 0, 2147483647]);
  });

  it('popUntil leaves an entry after the horizon in place; clear empties but keeps the sequence', () => {
    const cal = new EventCalendar();
    cal.push(5, 0, 0, 0, 0);
    expect(cal.popUntil(4.999)).toBe(false);
    expect(cal.size).toBe(1);
    expect(cal.popUntil(5)).toBe(true);
    cal.push(1, 0, 0, 0, 0);
    cal.clear();
    expect([cal.size, cal.nextSeq, cal.pop()]).toEqual([0, 2, false]);
  });
});

describe('Environment with Tokens cancellation against the reference', () => {
  it('schedule / cancel / run: handlers see exactly the reference order of live events', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        const env = createEnvironment({ initialCapacity: 16 });
        const targets = 20;
        const tokens = new Tokens(targets);
        const ref: (RefEntry & { target: number })[] = [];
        // The reference's own generation counters: arm and cancel both bump; live = token is the latest.
        const refGen = new Int32Array(targets);
        const schedule = (target: number) => {
          const time = env.now + (rng.next() < 0.3 ? 0 : Math.floor(rng.next() * 4)); // many ties, zero delays
          const priority = rng.nextInt(3) - 1;
          const token = tokens.arm(target);
          refGen[target]! += 1;
          expect(token).toBe(refGen[target]);
          ref.push({ time, priority, seq: env.schedule(time, 1, target, token, priority), data: token, target });
        };
        for (let i = 0; i < 50; i++) schedule(rng.nextInt(targets));
        const seen: string[] = [];
        const want: string[] = [];
        env.run(Infinity, (_kind, target, data) => {
          // Reference: the next entry in key order; it must be this one.
          ref.sort(byKey);
          const e = ref.shift()!;
          expect([env.now, target, data]).toEqual([e.time, e.target, e.data]);
          if (refGen[e.target] === e.data) want.push(`${e.time}:${e.target}`);
          if (!tokens.isCurrent(target, data)) return; // cancelled or superseded
          seen.push(`${env.now}:${target}`);
          if (env.processed < 800) {
            const u = rng.next();
            if (u < 0.2) {
              const victim = rng.nextInt(targets);
              tokens.cancel(victim);
              refGen[victim]! += 1;
            }
            schedule(target);
            if (u > 0.7) schedule(rng.nextInt(targets));
          }
        });
        expect(ref).toHaveLength(0);
        expect(seen).toEqual(want);
        expect(seen.length).toBeGreaterThan(50);
      }),
      { numRuns: 20 },
    );
  });
});
