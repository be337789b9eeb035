import { describe, expect, it } from 'vitest';
import { Resource, Signal, createEnvironment, timeout, type Yieldable } from '../../../sim/engine/index.ts';

type Gen<T = void> = Generator<Yieldable, T, unknown>;

describe('processes', () => {
  it('env.process(gen): timeouts advance simulated time and interleave with calendar events', () => {
    const env = createEnvironment();
    const log: string[] = [];
    env.process(function* (): Gen {
      log.push(`a0@${env.now}`);
      yield timeout(5);
      log.push(`a5@${env.now}`);
      yield timeout(0);
      log.push(`a5b@${env.now}`);
    });
    env.schedule(3, 7, 1);
    env.schedule(5, 7, 2); // scheduled before the process's timeout(5) → runs first at t = 5
    env.run(Infinity, (kind, target) => log.push(`ev${kind}.${target}@${env.now}`));
    expect(log).toEqual(['a0@0', 'ev7.1@3', 'ev7.2@5', 'a5@5', 'a5b@5']);
    expect(env.now).toBe(5);
  });

  it('yield signal: waiters resume in waiting order with the value; yield process returns its result', () => {
    const env = createEnvironment();
    const sig = new Signal<string>(env);
    const log: string[] = [];
    for (const name of ['x', 'y']) {
      env.process(function* (): Gen {
        const v = yield sig;
        log.push(`${name}:${String(v)}@${env.now}`);
      });
    }
    const child = env.process(function* (): Gen<number> {
      yield timeout(2);
      sig.succeed('go');
      return 42;
    });
    env.process(function* (): Gen {
      const r = yield child;
      log.push(`joined:${String(r)}@${env.now}`);
      const again = yield sig; // already triggered: resumes at once with the value
      log.push(`late:${String(again)}@${env.now}`);
    });
    env.run();
    expect(log).toEqual(['x:go@2', 'y:go@2', 'joined:42@2', 'late:go@2']);
    expect(child.isAlive).toBe(false);
    expect(() => sig.succeed('twice')).toThrow(/already triggered/);
  });

  it('kill(): pending wake-ups go stale, finally blocks run, and pids are reused safely', () => {
    const env = createEnvironment();
    const log: string[] = [];
    const p = env.process(function* (): Gen {
      try {
        yield timeout(10);
        log.push('never');
      } finally {
        log.push(`cleanup@${env.now}`);
      }
    });
    env.run(3);
    p.kill();
    // A new process takes the freed pid; the stale wake-up at t = 10 must not resume it early.
    const q = env.process(function* (): Gen {
      yield timeout(20);
      log.push(`q@${env.now}`);
    });
    expect(q.pid).toBe(p.pid);
    env.run();
    expect(log).toEqual(['cleanup@3', 'q@23']);
  });

  it('Resource(capacity): grants in FIFO order and never exceeds capacity', () => {
    const env = createEnvironment();
    const res = new Resource(env, 2);
    const started: string[] = [];
    let maxBusy = 0;
    const user = (name: string, arrive: number, hold: number) =>
      function* (): Gen {
        yield timeout(arrive);
        yield res.request();
        started.push(`${name}@${env.now}`);
        maxBusy = Math.max(maxBusy, res.inUse);
        yield timeout(hold);
        res.release();
      };
    env.process(user('a', 0, 10));
    env.process(user('b', 1, 10));
    env.process(user('c', 2, 1));
    env.process(user('d', 3, 1));
    env.process(user('e', 3, 1));
    env.run();
    expect(started).toEqual(['a@0', 'b@1', 'c@10', 'd@11', 'e@11']);
    expect(maxBusy).toBe(2);
    expect(res.inUse).toBe(0);
    expect(res.queueLength).toBe(0);
    // Queue length integral: c waits 8, d waits 8, e waits 8 → 24 request·ms over 12 ms.
    expect(res.queueLevel.integral).toBe(24);
    expect(() => res.release()).toThrow(/no server is in use/);
    expect(() => new Resource(env, 0)).toThrow(/integer ≥ 1, got 0/);
  });

  it('a process that yields something else fails with a clear error', () => {
    const env = createEnvironment();
    env.process(function* (): Gen {
      yield 5 as unknown as Yieldable;
    });
    expect(() => env.run()).toThrow(/yielded \[object Number\]; expected timeout\(ms\), a Signal or a Process/);
    expect(() => timeout(-1)).toThrow(/finite number ≥ 0, got -1/);
  });
});
