/**
 * Bad client input is a 400 naming the field, never a 500 nor accepted (issue 15, item 6): the
 * reported cases one by one, then fast-check fuzzing of every route's body from the OpenAPI
 * document the service publishes — an independent ajv (2020-12) compile of each published
 * schema is the reference: bodies it refuses must get 400, and no body may get a 5xx.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres, titled } from '../store/services.ts';
import { call, keychain, provisionBody, startHarness, type Harness } from './harness.ts';

const pgsvc = await postgres();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

/** Values a schema describes (valid ones, as far as its keywords go). */
function arb(s: Schema, depth = 0): fc.Arbitrary<Json> {
  if (Array.isArray(s.anyOf)) return fc.oneof(...(s.anyOf as Schema[]).map((x) => arb(x, depth)));
  switch (s.type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = (s.required ?? []) as string[];
      const keys = Object.keys(props);
      if (keys.length === 0) return depth > 2 ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 4 });
      return fc.record(Object.fromEntries(keys.map((k) => [k, arb(props[k]!, depth + 1)])), { requiredKeys: keys.filter((k) => required.includes(k)) }) as fc.Arbitrary<Json>;
    }
    case 'array':
      return fc.array(arb(s.items as Schema, depth + 1), { minLength: (s.minItems as number) ?? 0, maxLength: Math.min((s.maxItems as number) ?? 3, 3) });
    case 'string': {
      if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as string[]));
      if (s.format === 'uuid') return fc.uuid();
      if (s.format === 'byte') return fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64'));
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-02'), max: new Date(), noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= ((s.maxLength as number) ?? 1e9) && x.length >= ((s.minLength as number) ?? 0));
      return fc.string({ minLength: (s.minLength as number) ?? 0, maxLength: Math.min((s.maxLength as number) ?? 20, 20) });
    }
    case 'integer':
      return fc.integer({ min: Math.ceil((s.minimum as number) ?? -1e6), max: Math.floor((s.maximum as number) ?? 1e6) });
    case 'number':
      return fc.double({ min: (s.minimum as number) ?? -1e6, max: (s.maximum as number) ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.constant(null);
  }
}

/** Hostile variants: a valid body with one poisoned member, or any JSON at all. */
const poison: fc.Arbitrary<(b: Json) => Json> = fc.constantFrom(
  (b: Json) => (typeof b === 'object' && b && !Array.isArray(b) ? JSON.parse(JSON.stringify(b).replace(/^\{/, '{"__proto__":{"x":1},')) : b) as Json,
  (b: Json) => (typeof b === 'object' && b && !Array.isArray(b) ? { ...b, constructor: 'x' } : b),
  (b: Json) => (typeof b === 'object' && b && !Array.isArray(b) ? Object.fromEntries(Object.entries(b).map(([k, v]) => [k, typeof v === 'string' ? `${v}\u0000` : v])) : b),
  (b: Json) => (typeof b === 'object' && b && !Array.isArray(b) ? Object.fromEntries(Object.entries(b).map(([k, v]) => [k, typeof v === 'string' ? `\uD800${v}` : v])) : b),
);

describe.skipIf(pgsvc.skip)(titled('hostile input: 400 naming the field, never 5xx, never accepted', pgsvc), () => {
  let h: Harness;
  let admin: string;
  let user: string;
  const alice = randomUUID();
  let device: string;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'hostile', null, {
      rateLimits: { principal: { capacity: 1e6, perSecond: 1e6 }, source: { capacity: 1e6, perSecond: 1e6 }, device: { capacity: 1e6, perSecond: 1e6 } },
    });
    admin = await h.svc.token('admin', 'fuzzer');
    user = await h.svc.token('user', alice);
    device = (await call(h.svc, 'POST', '/api/v1/provision', user, provisionBody(keychain('hostile')))).body.device_id as string;
  });
  afterAll(async () => h?.close());

  it('malformed percent-encoding in a path is 400 naming the parameter', async () => {
    for (const bad of ['%E0%A4%A', '%', '%ZZ']) {
      const r = await call(h.svc, 'GET', `/api/v1/devices/${bad}`, admin);
      expect(r.status, bad).toBe(400);
      expect(r.body).toMatchObject({ error: 'validation', field: 'device_id', status: 400, type: 'https://keytwin.dev/problems/validation' });
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const nul = await call(h.svc, 'GET', '/api/v1/devices/%00', admin);
    expect(nul.status).toBe(400);
    expect(nul.body.field).toBe('device_id');
  });

  it('NUL characters and lone surrogates in strings, deep nesting and prototype keys are 400 naming the field', async () => {
    const k = keychain('hostile-2');
    // 10,000 levels, built as text (JSON.stringify itself would overflow the test's stack).
    const deep = JSON.stringify(provisionBody(k)).replace(/\}$/, `,"policy":${'{"a":'.repeat(10_000)}{}${'}'.repeat(10_000)}}`);
    const cases: [unknown, string, RegExp][] = [
      [provisionBody(k, { device_type: 'key\u0000chain' }), 'device_type', /NUL/],
      [provisionBody(k, { device_model: 'kt\uD800' }), 'device_model', /lone surrogate/],
      [provisionBody(k, { user: { name: 'x\uDC00y' } }), 'user.name', /lone surrogate/],
      [deep, 'policy', /levels of nesting/],
      [JSON.parse(JSON.stringify(provisionBody(k)).replace(/^\{/, '{"__proto__":{"admin":true},')), '__proto__', /__proto__/],
      [provisionBody(k, { constructor: { name: 'x' } }), 'constructor', /constructor/],
      [provisionBody(k, { policy: { nested: { prototype: 1 } } }), 'policy.nested.prototype', /prototype/],
    ];
    for (const [body, field, why] of cases) {
      const r = await call(h.svc, 'POST', '/api/v1/provision', user, typeof body === 'string' ? body : JSON.stringify(body));
      expect(r.status, field).toBe(400);
      expect(r.body.field, field).toMatch(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}`));
      expect(`${r.body.expected} ${r.body.got}`, field).toMatch(why);
    }
    // The lone surrogate as raw JSON escapes, as an attacker sends it.
    const raw = JSON.stringify(provisionBody(k)).replace('"keychain"', '"\\ud800"');
    expect((await call(h.svc, 'POST', '/api/v1/provision', user, raw)).status).toBe(400);
    const q = await call(h.svc, 'GET', '/api/v1/ota/latest?model=kt%00s3', admin);
    expect(q.status).toBe(400);
    expect(q.body.field).toBe('model');
  });

  it('fuzz (fast-check) every route from its published OpenAPI schema: no 5xx; bodies the schema refuses get 400', async () => {
    const doc = (await call(h.svc, 'GET', '/api/v1/openapi.json', null)).body as { paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: Schema } } }; parameters?: { in: string; name: string }[] }>> };
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('uuid', UUID);
    ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    ajv.addFormat('date-time', { type: 'string', validate: (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) });
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => ({ path, method: m.toUpperCase(), op })));
    expect(ops.length).toBeGreaterThanOrEqual(15);
    const seen: string[] = [];
    for (const { path, method, op } of ops) {
      const schema = op.requestBody?.content['application/json'].schema;
      const concrete = path.replace('{device_id}', device).replace('{release_id}', randomUUID());
      const check = schema ? ajv.compile(schema) : null;
      const bodies: fc.Arbitrary<Json | undefined> = schema
        ? fc.oneof(arb(schema), fc.tuple(arb(schema), poison).map(([b, f]) => f(b)), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>)
        : fc.constant(undefined);
      await fc.assert(fc.asyncProperty(bodies, fc.constantFrom(admin, user), async (body, tok) => {
        const url = method === 'GET' && path === '/api/v1/ota/latest' ? `${concrete}?model=kt-s3&device_id=${device}` : concrete;
        const r = await call(h.svc, method, url, tok, body);
        seen.push(`${method} ${path} ${r.status}`);
        if (r.status >= 500 && !(r.status === 503 && r.body.error === 'telemetry_unavailable')) {
          throw new Error(`${method} ${path} answered ${r.status} to ${JSON.stringify(body)?.slice(0, 300)}: ${JSON.stringify(r.body)}`);
        }
        // A body the published schema refuses is never acted on (authorisation may refuse it first).
        if (check && body !== undefined && !check(body) && ![400, 401, 403].includes(r.status)) {
          throw new Error(`${method} ${path} accepted an invalid body with ${r.status}: ${JSON.stringify(body).slice(0, 300)}`);
        }
      }), { numRuns: 25, seed: 15 });
    }
    expect(new Set(seen.map((s) => s.split(' ').slice(0, 2).join(' '))).size).toBe(ops.length);
  }, 600_000);
});
