/**
 * Lost Postgres connections answer 503, never 500 (issue 15, item 5): the engine classifies pg's
 * "Client has encountered a connection error and is not queryable" (no SQLSTATE) as a connection
 * error, and the service, with its backends terminated under load, answers only 2xx/4xx/503.
 * @module
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError, openStore, type Store } from '../../store/index.ts';
import { dropSchema, postgres, schemaFor, titled, withSchema } from '../store/services.ts';
import { call, keychain, provisionBody, startHarness, type Harness } from './harness.ts';

const pgsvc = await postgres();
const APP = `kt503_${process.pid}`;

describe.skipIf(pgsvc.skip)(titled('a lost Postgres connection is a 503', pgsvc), () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: pgsvc.url });
    await admin.connect();
  });
  afterAll(async () => admin?.end());
  const terminate = async (): Promise<number> =>
    (await admin.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1', [APP])).rows[0].n as number;

  it('a query on a transaction whose backend was terminated fails with an error isConnectionError recognises', async () => {
    const schema = schemaFor('cloud_outage_engine');
    const url = `${withSchema(pgsvc.url, schema)}&application_name=${APP}`;
    let store: Store | null = null;
    try {
      store = await openStore(url);
      const err = await store.engine.transaction(async (tx) => {
        await tx.query('SELECT 1');
        expect(await terminate()).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 300));
        await tx.query('SELECT 1');
      }).then(() => null, (e: unknown) => e as Error);
      expect(err).not.toBeNull();
      expect(isConnectionError(err), String(err)).toBe(true);
      // The pool dropped the broken client: the store keeps working.
      expect((await store.engine.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await store?.close();
      await dropSchema(pgsvc.url, schema);
    }
    expect(isConnectionError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });

  it('answers 503 (never 500) while its backends are terminated under load', async () => {
    const logged: string[] = [];
    const h: Harness = await startHarness(pgsvc, 'outage', null, {
      store: `${withSchema(pgsvc.url, schemaFor('cloud_outage'))}&application_name=${APP}`,
      log: (l) => logged.push(l),
      rateLimits: { principal: { capacity: 100_000, perSecond: 100_000 }, device: { capacity: 100_000, perSecond: 100_000 } },
    });
    try {
      const owner = randomUUID();
      const tok = await h.svc.token('user', owner);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await call(h.svc, 'POST', '/api/v1/provision', tok, provisionBody(keychain(`outage-${i}`)))).body.device_id as string);
      const statuses = new Map<number, number>();
      let killed = 0;
      for (let round = 0; round < 8; round++) {
        const requests = Array.from({ length: 12 }, (_, i) => {
          const id = ids[i % ids.length]!;
          const r = i % 3 === 0 ? call(h.svc, 'GET', `/api/v1/devices/${id}`, tok)
            : i % 3 === 1 ? call(h.svc, 'POST', '/api/v1/auth/challenge', tok, { device_id: id })
              : call(h.svc, 'POST', '/api/v1/provision', tok, provisionBody(keychain(`outage-x-${round}-${i}`)));
          return r.then((a) => a.status);
        });
        await new Promise((r) => setTimeout(r, 5 * round));
        killed += await terminate();
        for (const s of await Promise.all(requests)) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      expect(killed).toBeGreaterThan(0);
      expect(statuses.get(500) ?? 0, `${JSON.stringify([...statuses])}\n${logged.join('\n')}`).toBe(0);
      expect([...statuses.keys()].every((s) => s < 500 || s === 503)).toBe(true);
    } finally {
      await h.close();
    }
  }, 120_000);
});
