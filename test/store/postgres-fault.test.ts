import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';
import { dropSchema, postgres, schemaFor, titled, withSchema } from './services.ts';

const pgsvc = await postgres();
const schema = schemaFor('postgres_fault');

describe.skipIf(pgsvc.skip)(titled('saveRun when the Postgres connection is killed mid-transaction', pgsvc), () => {
  let store: Store;
  let admin: pg.Client;
  beforeAll(async () => {
    await dropSchema(pgsvc.url, schema);
    store = await openStore(withSchema(pgsvc.url, schema));
    admin = new pg.Client({ connectionString: pgsvc.url });
    await admin.connect();
  });
  afterAll(async () => {
    await store?.close();
    await admin?.end();
    await dropSchema(pgsvc.url, schema);
  });

  it('pg_terminate_backend after the device rows leaves no partial run, and the store keeps working', async () => {
    const result = makeRunResult({ runId: 'killed-1', devices: 2000, days: 30, sampledDevices: 10 });
    let killed = 0;
    const save = store.saveRun(result, {
      onStep: async (step, tx) => {
        if (step !== 'device_results') return;
        // The transaction's rows are written but not committed: from outside they are invisible.
        const seen = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".device_results WHERE run_id = 'killed-1'`);
        expect(seen.rows[0].n).toBe(0);
        const r = await admin.query('SELECT pg_terminate_backend($1) AS ok', [tx.backendPid]);
        killed = r.rows[0].ok ? tx.backendPid : 0;
      },
    });
    await expect(save).rejects.toThrow(/terminat|Connection/i);
    expect(killed).toBeGreaterThan(0);
    for (const t of ['runs', 'run_summaries', 'device_results', 'run_daily', 'run_soc_samples', 'run_telemetry']) {
      const n = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".${t} WHERE run_id = 'killed-1'`);
      expect(n.rows[0].n, t).toBe(0);
    }
    // The pool dropped the dead connection: the same store saves the run afterwards.
    await store.saveRun(result);
    const n = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".device_results WHERE run_id = 'killed-1'`);
    expect(n.rows[0].n).toBe(2000);
  });
});
