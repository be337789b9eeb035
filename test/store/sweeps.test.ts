import { describe, expect, it } from 'vitest';
import { getSweep, openStore, saveSweep } from '../../store/index.ts';

describe('stored sweeps', () => {
  it('saveSweep then getSweep returns the spec and analysis; a link to a missing run is refused', async () => {
    const store = await openStore('memory://');
    try {
      await saveSweep(store.engine, { sweepId: 's1', scenario: 'quickstart', kind: 'sensitivity', spec: { r: 2 }, analysis: { runs: 7 }, runs: [] });
      const back = await getSweep(store.engine, 's1');
      expect(back).toMatchObject({ sweepId: 's1', scenario: 'quickstart', kind: 'sensitivity', spec: { r: 2 }, analysis: { runs: 7 }, runs: [] });
      expect(await getSweep(store.engine, 'nope')).toBeNull();
      await expect(saveSweep(store.engine, { sweepId: 's2', scenario: 'q', kind: 'grid', spec: {}, analysis: {}, runs: [{ runId: 'missing', point: 'a', replication: 1, seed: '42' }] })).rejects.toThrow();
      // The failed save left nothing behind (one transaction).
      expect(await getSweep(store.engine, 's2')).toBeNull();
    } finally {
      await store.close();
    }
  });
});
