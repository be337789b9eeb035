import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarQueue, EventCalendar, MAX_PRIORITY, MIN_PRIORITY, createRng, exponential } from '../../../sim/engine/index.ts';

interface Op {
  push: boolean;
  time: number;
  priority: number;
}

// Times from a small set so that exact ties (same time, same priority) are frequent.
const opArb = fc.record({
  push: fc.boolean(),
  time: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true })),
  priority: fc.oneof(fc.constant(0), fc.integer({ min: MIN_PRIORITY, max: MAX_PRIORITY })),
});

for (const [name, make] of [['EventCalendar (heap)', (cap: number) => new EventCalendar(cap)], ['CalendarQueue', (cap: number) => new CalendarQueue(cap)]] as const) describe(name, () => {
  it('pops in (time, priority, seq) order, like a sorted reference, including exact ties', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops: Op[]) => {
        const cal = make(16); // small: exercises growth
        const ref: { time: number; priority: number; seq: number; data: number }[] = [];
        let n = 0;
        const popBoth = () => {
          ref.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
          const want = ref.shift();
          expect(cal.pop()).toBe(want !== undefined);
          if (want === undefined) return;
          expect([cal.poppedTime, cal.poppedPriority, cal.poppedSeq, cal.poppedData, cal.poppedKind, cal.poppedTarget]).toEqual([
            want.time, want.priority, want.seq, want.data, want.data % 7, (want.data * 2654435761) >>> 0,
          ]);
        };
        for (const op of ops) {
          if (op.push) {
            const data = n++;
            const seq = cal.push(op.time, op.priority, data % 7, (data * 2654435761) >>> 0, data);
            ref.push({ time: op.time, priority: op.priority, seq, data });
          } else popBoth();
          expect(cal.size).toBe(ref.length);
        }
        while (ref.length > 0) popBoth();
        expect(cal.pop()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('grows past its initial capacity and keeps every entry', () => {
    const cal = make(16);
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

  it('keeps full uint32 targets and negative int32 data', () => {
    const cal = make(1024);
    cal.push(1, 0, 0xfffe, 0xffffffff, -2147483648);
    cal.pop();
    expect([cal.poppedKind, cal.poppedTarget, cal.poppedData]).toEqual([0xfffe, 0xffffffff, -2147483648]);
  });
});

describe('CalendarQueue vs EventCalendar', () => {
  it('hold model with skewed increments: both pop the exact same sequence', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('exp', 'mixture', 'ties', 'bimodal'), (seed, shape) => {
        const rng = createRng(seed);
        const heap = new EventCalendar(16);
        const cq = new CalendarQueue(16);
        const increment = (): number => {
          const u = rng.next();
          if (shape === 'exp') return exponential(rng, 1);
          if (shape === 'ties') return Math.floor(u * 3); // many exact ties, zero delays
          if (shape === 'bimodal') return u < 0.5 ? exponential(rng, 1e-3) : exponential(rng, 1e4);
          return u < 0.9 ? exponential(rng, 0.01) : u < 0.99 ? exponential(rng, 100) : 1e7 * rng.next();
        };
        let now = 0;
        const pending = 100 + rng.nextInt(3000);
        for (let i = 0; i < pending; i++) {
          const t = increment();
          heap.push(t, 0, 1, i, i);
          cq.push(t, 0, 1, i, i);
        }
        let mismatches = 0;
        for (let step = 0; step < 20_000; step++) {
          heap.pop();
          cq.pop();
          if (heap.poppedTime !== cq.poppedTime || heap.poppedData !== cq.poppedData || heap.poppedSeq !== cq.poppedSeq) mismatches++;
          now = heap.poppedTime;
          // Grow and shrink the pending set to exercise resizing both ways.
          const phase = Math.floor(step / 5000) % 2;
          const pushes = phase === 0 ? (rng.next() < 0.6 ? 2 : 1) : rng.next() < 0.4 ? 1 : 0;
          for (let k = 0; k < pushes; k++) {
            const t = now + increment();
            const p = rng.nextInt(3) - 1;
            heap.push(t, p, 0, step, step);
            cq.push(t, p, 0, step, step);
          }
          if (heap.size === 0) break;
        }
        expect(mismatches).toBe(0);
        expect(cq.size).toBe(heap.size);
      }),
      { numRuns: 12 },
    );
  });
});
