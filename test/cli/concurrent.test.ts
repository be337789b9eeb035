import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../cli/sweep/concurrent.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapConcurrent', () => {
  it('keeps at most `limit` calls in flight and returns results in the items’ order, not the order they finish in', async () => {
    let inFlight = 0;
    let most = 0;
    const finished: number[] = [];
    const out = await mapConcurrent([30, 5, 20, 1, 10, 2], 3, async (ms, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick(ms);
      inFlight--;
      finished.push(i);
      return ms * 10;
    });
    expect(out).toEqual([300, 50, 200, 10, 100, 20]);
    expect(most).toBe(3);
    expect(finished).not.toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects with the first failure and starts no item after it', async () => {
    const started: number[] = [];
    await expect(mapConcurrent([1, 2, 3, 4, 5, 6], 2, async (x) => {
      started.push(x);
      await tick(5);
      if (x === 2) throw new Error('run 2 failed');
      return x;
    })).rejects.toThrow('run 2 failed');
    await tick(30);
    // 1 and 2 start together; 1's lane takes 3 before 2 fails; nothing starts after.
    expect(started).toEqual([1, 2, 3]);
  });

  it('handles no items and a limit above the item count', async () => {
    expect(await mapConcurrent([], 4, async (x: number) => x)).toEqual([]);
    expect(await mapConcurrent([7], 4, async (x) => x + 1)).toEqual([8]);
  });
});
