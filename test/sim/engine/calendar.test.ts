import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCalendar, MAX_PRIORITY, MIN_PRIORITY } from '../../../sim/engine/index.ts';

interface Op {
  push: boolean;
  time: number;
  priority: number;
}

// Times from a small set so that exact ties (same time, same priority) are frequent.
const opArb = fc.record({
  push: fc.boolean(),
  time: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 10, noNaN: true })),
  priority: fc.oneof(fc.constant(0), fc.integer({ min: MIN_PRIORITY, max: MAX_PRIORITY })),
});

describe('EventCalendar', () => {
  it('pops in (time, priority, seq) order, like a sorted reference, including exact ties', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops: Op[]) => {
        const cal = new EventCalendar(16); // small: exercises growth
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

  it('keeps full uint32 targets and negative int32 data', () => {
    const cal = new EventCalendar();
    cal.push(1, 0, 0xfffe, 0xffffffff, -2147483648);
    cal.pop();
    expect([cal.poppedKind, cal.poppedTarget, cal.poppedData]).toEqual([0xfffe, 0xffffffff, -2147483648]);
  });
});
