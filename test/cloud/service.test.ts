import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument, ROUTES, startCloudService } from '../../cloud/index.ts';
import { postgres, titled } from '../store/services.ts';
import { call, keychain, provisionBody, SECRET, startHarness, type Harness } from './harness.ts';

const pgsvc = await postgres();

describe.skipIf(pgsvc.skip)(titled('the service: OpenAPI document, routing, rate limits, startup', pgsvc), () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'service', null, { rateLimits: { principal: { capacity: 5, perSecond: 0.2 }, source: { capacity: 8, perSecond: 0.2 }, device: { capacity: 3, perSecond: 0.5 } } });
  });
  afterAll(async () => h?.close());

  it('serves an OpenAPI 3.1 document with every route the dispatcher serves, with the same schemas', async () => {
    const r = await call(h.svc, 'GET', '/api/v1/openapi.json', null);
    expect(r.status).toBe(200);
    const doc = r.body as { openapi: string; paths: Record<string, Record<string, { operationId: string; requestBody?: { content: { 'application/json': { schema: unknown } } }; 'x-roles'?: string[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const served = [...ROUTES.map((x) => `${x.method} ${x.path}`), 'GET /api/v1/openapi.json'].sort();
    expect(documented).toEqual(served);
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method.toLowerCase()]!;
      expect(op.requestBody?.content['application/json'].schema).toEqual(route.body ? JSON.parse(JSON.stringify(route.body)) : undefined);
      expect(op['x-roles']).toEqual(route.auth === 'public' ? undefined : [...route.auth]);
    }
    for (const p of ['/api/v1/provision', '/api/v1/auth/challenge', '/api/v1/telemetry', '/api/v1/ota/latest', '/api/v1/policy/{device_id}']) expect(doc.paths[p]).toBeDefined();
    expect(JSON.stringify(openApiDocument(ROUTES))).toBe(JSON.stringify(r.body));
  });

  it('answers unknown paths with 404, wrong methods with 405 and Allow, non-JSON bodies with 415', async () => {
    const nf = await call(h.svc, 'GET', '/api/v1/nothing', null);
    expect(nf.status).toBe(404);
    const m = await call(h.svc, 'GET', '/api/v1/provision', null);
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST');
    const res = await fetch(`${h.svc.url}/api/v1/auth/challenge`, { method: 'POST', headers: { authorization: `Bearer ${await h.svc.token('admin')}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
  });

  it('limits each principal with a token bucket: 429 with Retry-After once the burst is spent', async () => {
    const tok = await h.svc.token('user', randomUUID());
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call(h.svc, 'GET', `/api/v1/devices/${randomUUID()}`, tok)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    const r = await call(h.svc, 'GET', `/api/v1/devices/${randomUUID()}`, tok);
    expect(r.body.error).toBe('rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another principal is not affected; after the refill time the first is served again.
    expect((await call(h.svc, 'GET', `/api/v1/devices/${randomUUID()}`, await h.svc.token('user', randomUUID()))).status).toBe(404);
    h.clock.offset += 30_000;
    expect((await call(h.svc, 'GET', `/api/v1/devices/${randomUUID()}`, tok)).status).toBe(404);
  });

  it('rate-limits refused requests before their authorisation outcome: a forbidden flood is 429, audited only while it got through', async () => {
    const tok = await h.svc.token('user', randomUUID());
    const target = randomUUID();
    const statuses = await Promise.all(Array.from({ length: 60 }, () => call(h.svc, 'POST', `/api/v1/devices/${target}/suspend`, tok).then((r) => r.status)));
    // Burst 5, refilled at 0.2/s while the 60 requests are served (a loaded machine takes seconds).
    const forbidden = statuses.filter((s) => s === 403).length;
    expect(forbidden).toBeGreaterThanOrEqual(5);
    expect(forbidden).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBe(60 - forbidden);
    const rows = await h.svc.store.engine.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'suspendDevice' AND outcome = 'denied' AND actor = $1", [JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).sub]);
    expect(rows.rows[0]!.n).toBe(forbidden);
    h.clock.offset += 30_000;
  });

  it('limits requests without a valid token per source address (no token, forged tokens, unknown routes)', async () => {
    h.clock.offset += 30_000; // a full source bucket
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const tok = i % 3 === 0 ? null : i % 3 === 1 ? 'not.a.token' : `${await h.svc.token('admin')}x`;
      statuses.push((await call(h.svc, i === 9 ? 'GET' : 'POST', i === 9 ? '/api/v1/nowhere' : `/api/v1/devices/${randomUUID()}/suspend`, tok)).status);
    }
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    // A valid token has its own bucket, whatever the source's.
    expect((await call(h.svc, 'GET', `/api/v1/devices/${randomUUID()}`, await h.svc.token('admin', 'fresh'))).status).toBe(404);
    h.clock.offset += 30_000;
  });

  it('audits a 409 refusal like a 403', async () => {
    h.clock.offset += 30_000;
    const admin = await h.svc.token('admin', 'auditor');
    const dev = (await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', randomUUID()), provisionBody(keychain('rl-409')))).body.device_id as string;
    expect((await call(h.svc, 'POST', `/api/v1/devices/${dev}/reinstate`, admin)).status).toBe(409);
    const rows = await h.svc.store.engine.query<{ outcome: string; actor: string }>("SELECT outcome, actor FROM audit_log WHERE action = 'reinstateDevice' AND device_id = $1", [dev]);
    expect(rows.rows).toEqual([{ outcome: 'rejected', actor: 'auditor' }]);
    h.clock.offset += 30_000;
  });

  it('limits each device across principals', async () => {
    const owner = randomUUID();
    const dev = (await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', owner), provisionBody(keychain('rl-dev')))).body.device_id as string;
    const statuses: number[] = [];
    // The owner and an admin share the device's bucket (capacity 3; provisioning took one).
    for (const tok of [await h.svc.token('user', owner), await h.svc.token('admin', 'a1'), await h.svc.token('admin', 'a2')]) {
      statuses.push((await call(h.svc, 'POST', '/api/v1/auth/challenge', tok, { device_id: dev })).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('refuses to start when its database is unreachable, naming it', async () => {
    await expect(startCloudService({ store: 'postgres://postgres@127.0.0.1:1/none', jwtSecret: SECRET })).rejects.toThrow(/cannot reach its database postgres:\/\/postgres@127\.0\.0\.1:1\/none/);
    await expect(startCloudService({ store: pgsvc.url, jwtSecret: SECRET, influx: 'http://127.0.0.1:1?db=x' })).rejects.toThrow(/cannot reach InfluxDB at http:\/\/127\.0\.0\.1:1/);
    await expect(startCloudService({ store: pgsvc.url, jwtSecret: new Uint8Array(8) })).rejects.toThrow(/at least 32 bytes/);
  });

  it('runs on embedded PGlite too', async () => {
    const svc = await startCloudService({ store: 'memory://', jwtSecret: SECRET });
    try {
      const r = await call(svc, 'POST', '/api/v1/provision', await svc.token('user', randomUUID()), provisionBody(keychain('pglite')));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await call(svc, 'GET', '/api/v1/health', null)).body).toEqual({ status: 'ok', store: 'pglite', telemetry: false });
    } finally {
      await svc.close();
    }
  });
});

describe.skipIf(pgsvc.skip)(titled('every route validates its path, query and body before acting', pgsvc), () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'validation', null);
  });
  afterAll(async () => h?.close());

  it('answers 400 naming the first required field or the malformed path parameter', async () => {
    const admin = await h.svc.token('admin');
    let checked = 0;
    for (const route of ROUTES) {
      const params = Object.keys(route.params ?? {});
      const path = route.path.replace(/\{([a-z_]+)\}/g, () => randomUUID());
      if (route.body && 'type' in route.body && route.body.type === 'object') {
        const r = await call(h.svc, route.method, path, admin, {});
        expect(r.status, `${route.method} ${route.path} {}`).toBe(400);
        expect(r.body.field, route.path).toBe(route.body.required![0]);
        const none = await call(h.svc, route.method, path, admin);
        expect(none.status, `${route.method} ${route.path} without body`).toBe(400);
        checked++;
      }
      if (route.query?.required?.length) {
        const r = await call(h.svc, route.method, path, admin);
        expect(r.status).toBe(400);
        expect(r.body.field).toBe(route.query.required[0]);
        checked++;
      }
      for (const name of params) {
        const bad = route.path.replace(`{${name}}`, 'not-a-uuid').replace(/\{([a-z_]+)\}/g, () => randomUUID());
        const r = await call(h.svc, route.method, bad, admin, route.body ? {} : undefined);
        expect(r.status, `${route.method} ${bad}`).toBe(400);
        expect(r.body.field).toBe(name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });
});
