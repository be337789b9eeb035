import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokens, createEnvironment, createRng, exponential } from '../../../sim/engine/index.ts';

/** A small random model: each event reschedules itself and sometimes spawns a tie at `now`. */
function trace(seed: number, untilMs: number): string[] {
  const env = createEnvironment();
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < 20; i++) env.schedule(exponential(rng, 3), i % 3, i);
  env.run(untilMs, (kind, target, data) => {
    out.push(`${env.now}:${kind}:${target}:${data}`);
    if (data < 0) return; // spawned ties do not reschedule, so the population stays at 20
    env.scheduleIn(Math.floor(exponential(rng, 3)), (kind + 1) % 3, target, data + 1);
    if (rng.next() < 0.2) env.schedule(env.now, 0, target, -1, rng.nextInt(3) - 1);
  });
  return out;
}

describe('Environment', () => {
  it('run(until, handler): time never decreases, with zero-delay ties and mixed priorities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const env = createEnvironment();
        const rng = createRng(seed);
        for (let i = 0; i < 50; i++) env.schedule(rng.nextInt(5), 1, 0, 0, rng.nextInt(3) - 1);
        let lastTime = -Infinity;
        let count = 0;
        let decreased = 0;
        env.run(40, () => {
          count++;
          if (env.now < lastTime) decreased++;
          lastTime = env.now;
          // zero delay half of the time: a tie with the current time
          if (count < 400) env.schedule(env.now + rng.nextInt(2) * rng.next(), 1, 0, 0, rng.nextInt(3) - 1);
        });
        expect(decreased).toBe(0);
        expect(count).toBeGreaterThan(50);
        expect(env.now).toBe(40);
      }),
      { numRuns: 50 },
    );
  });

  it('same seed ⇒ same trace; different seed ⇒ different trace', () => {
    const a = trace(7, 200);
    expect(a.length).toBeGreaterThan(500);
    expect(trace(7, 200)).toEqual(a);
    expect(trace(8, 200)).not.toEqual(a);
  });

  it('dispatches equal-time events by priority, then FIFO', () => {
    const env = createEnvironment();
    const order: number[] = [];
    env.schedule(5, 0, 0, 1, 0);
    env.schedule(5, 0, 0, 2, -1);
    env.schedule(5, 0, 0, 3, 0);
    env.schedule(5, 0, 0, 4, 1);
    env.schedule(5, 0, 0, 5, -1);
    env.schedule(4, 0, 0, 6, 1000);
    env.run(Infinity, (_k, _t, d) => order.push(d));
    expect(order).toEqual([6, 2, 5, 1, 3, 4]);
    expect(env.processed).toBe(6);
    expect(env.now).toBe(5);
  });

  it('run(until) is inclusive, leaves later events pending and advances now to until', () => {
    const env = createEnvironment();
    for (const t of [1, 2, 3, 4]) env.schedule(t, 0, t);
    const seen: number[] = [];
    expect(env.run(3, (_k, t) => seen.push(t))).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(env.pending).toBe(1);
    expect(env.now).toBe(3);
    env.run(10, (_k, t) => seen.push(t));
    expect(env.now).toBe(10);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('stop() ends run after the current event and keeps now at its time', () => {
    const env = createEnvironment();
    for (let t = 1; t <= 10; t++) env.schedule(t, 0, t);
    env.run(100, (_k, t) => {
      if (t === 4) env.stop();
    });
    expect(env.now).toBe(4);
    expect(env.pending).toBe(6);
    expect(env.stopped).toBe(true);
    expect(env.step((_k, t) => expect(t).toBe(5))).toBe(true);
    expect(env.now).toBe(5);
  });

  it('schedule() rejects the past, NaN, the reserved kind and out-of-range fields with clear errors', () => {
    const env = createEnvironment({ startMs: 10 });
    expect(() => env.schedule(9, 0, 0)).toThrow(/9 ms is in the past \(now = 10 ms\)/);
    expect(() => env.schedule(NaN, 0, 0)).toThrow(/expected a finite time in ms, got NaN/);
    expect(() => env.schedule(Infinity, 0, 0)).toThrow(/finite time/);
    expect(() => env.schedule(11, 0x10000, 0)).toThrow(/kind must be an integer in \[0, 65535\], got 65536/);
    expect(() => env.schedule(11, 1.5, 0)).toThrow(/kind/);
    expect(() => env.schedule(11, 0, -1)).toThrow(/target must be a uint32, got -1/);
    expect(() => env.schedule(11, 0, 0, 2 ** 31)).toThrow(/data must be an int32/);
    expect(() => env.schedule(11, 0, 0, 0, 2000)).toThrow(/priority must be an integer in \[-1024, 1023\], got 2000/);
    expect(() => env.scheduleIn(-1, 0, 0)).toThrow(/delayMs must be a finite number ≥ 0, got -1/);
    expect(() => env.run(5)).toThrow(/untilMs must be a time ≥ now \(10\)/);
    env.schedule(12, 3, 0);
    expect(() => env.run(20)).toThrow(/event of kind 3 at 12 ms but no handler/);
    expect(() =>
      createEnvironment().run(Infinity, () => {
        throw new Error('unreachable');
      }),
    ).not.toThrow();
  });

  it('run() is not re-entrant', () => {
    const env = createEnvironment();
    env.schedule(1, 0, 0);
    expect(() => env.run(5, () => env.run(6, () => {}))).toThrow(/not re-entrant/);
  });

  it('Tokens: a re-armed or cancelled timer is ignored by the handler', () => {
    const env = createEnvironment();
    const timer = new Tokens(2);
    const fired: string[] = [];
    env.schedule(10, 0, 0, timer.arm(0)); // superseded below
    env.schedule(5, 1, 0); // re-arms device 0 at t=5
    env.schedule(8, 0, 1, timer.arm(1)); // cancelled at t=6
    env.schedule(6, 2, 1);
    env.run(Infinity, (kind, target, data) => {
      if (kind === 1) env.scheduleIn(20, 0, target, timer.arm(target));
      else if (kind === 2) timer.cancel(target);
      else if (timer.isCurrent(target, data)) fired.push(`${target}@${env.now}`);
    });
    expect(fired).toEqual(['0@25']);
    expect(env.processed).toBe(5);
  });
});

describe('createEnvironment({ queue })', () => {
  it("accepts only 'heap': the removed calendar queue is refused with a pointer to the decision", () => {
    expect(createEnvironment({ queue: 'heap' }).pending).toBe(0);
    expect(() => createEnvironment({ queue: 'calendar' as 'heap' })).toThrow(/queue must be 'heap', got calendar \(the calendar queue was removed/);
    expect(() => createEnvironment({ queue: 'splay' as 'heap' })).toThrow(/queue must be 'heap', got splay$/);
  });
});
