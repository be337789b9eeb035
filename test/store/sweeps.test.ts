import { describe, expect, it } from 'vitest';
import { getSweep, openStore, saveSweep } from '../../store/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';

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
  it('listSweeps counts each sweep\'s points, replications and runs, newest first', async () => {
    const store = await openStore('memory://');
    try {
      expect(await store.listSweeps()).toEqual([]);
      for (const id of ['r1', 'r2', 'r3', 'r4']) await store.saveRun(fixtureRun({ runId: id }));
      const link = (runId: string, point: string, replication: number) => ({ runId, point, replication, seed: String(replication) });
      await saveSweep(store.engine, { sweepId: 'old', scenario: 'quickstart', kind: 'sensitivity', spec: {}, analysis: {}, runs: [] });
      await store.engine.query("UPDATE sweeps SET created_at = '2026-01-01T00:00:00Z' WHERE sweep_id = 'old'");
      await saveSweep(store.engine, { sweepId: 'grid', scenario: 'kem-levels', kind: 'grid', spec: {}, analysis: {}, runs: [link('r1', 'a', 1), link('r2', 'a', 2), link('r3', 'b', 1), link('r4', 'b', 2)] });
      const list = await store.listSweeps();
      expect(list.map((s) => [s.sweepId, s.scenario, s.kind, s.points, s.replications, s.runs])).toEqual([['grid', 'kem-levels', 'grid', 2, 2, 4], ['old', 'quickstart', 'sensitivity', 0, 0, 0]]);
      expect(list[1]!.createdAt).toBe('2026-01-01T00:00:00.000Z');
      expect((await store.getSweep('grid'))!.runs).toHaveLength(4);
    } finally {
      await store.close();
    }
  });
});
