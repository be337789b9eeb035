/**
 * The cloud tests' harness: the real service on loopback over a Postgres schema of its own (and
 * InfluxDB 1.6 when up), keychains with real secure-element keys (firmware/), and a small JSON
 * client. Reuses test/store/services.ts for the servers and the skip/require policy.
 * @module
 */
import { seededRandom, SecureElement, SUITES, type Suite } from '../../firmware/index.ts';
import { startCloudService, type CloudService, type CloudServiceOptions } from '../../cloud/index.ts';
import { dropSchema, schemaFor, withSchema, type Service } from '../store/services.ts';
import { createDb } from '../store/influx-helpers.ts';

export const SECRET = new TextEncoder().encode('keytwin-cloud-test-secret-0123456789abcdef');
export const INFLUX_DB = 'keytwin_cloud_test';

export interface Harness {
  svc: CloudService;
  schema: string;
  /** The service's clock is the wall clock plus `offset` ms: tests move it forward. */
  clock: { offset: number };
  close(): Promise<void>;
}

export async function startHarness(pg: Service, name: string, influx: Service | null, extra: Partial<CloudServiceOptions> = {}): Promise<Harness> {
  const schema = schemaFor(`cloud_${name}`);
  await dropSchema(pg.url, schema);
  if (influx && !influx.skip) await createDb(influx.url, INFLUX_DB);
  const clock = { offset: 0 };
  const svc = await startCloudService({
    store: withSchema(pg.url, schema),
    influx: influx && !influx.skip ? `${influx.url}?db=${INFLUX_DB}` : null,
    jwtSecret: SECRET,
    otaSeed: new Uint8Array(32).fill(7),
    now: () => Date.now() + clock.offset,
    log: () => {},
    ...extra,
  });
  return {
    svc, schema, clock,
    async close() {
      await svc.close();
      await dropSchema(pg.url, schema);
    },
  };
}

export interface Keychain {
  se: SecureElement;
  mldsa: Uint8Array;
  mlkem: Uint8Array;
  suite: Suite;
}

/** A keychain whose secure element generated real ML-DSA/ML-KEM keys from a seed. */
export function keychain(seed: string, suiteId = 'mlkem768-mldsa65-hybrid-aesgcm'): Keychain {
  const suite = SUITES.find((s) => s.id === suiteId)!;
  const se = new SecureElement(seededRandom(seed));
  const keys = se.generateKeys([suite]);
  return { se, suite, mldsa: keys.sigKeys[suite.sig.name as 'mldsa65']!, mlkem: keys.kemKeys[suite.kem!.name]! };
}

/** A DER SEQUENCE wrapping bytes: the shape of an SE certificate (the service checks the form, not a CA chain). */
export function derCertificate(body: Uint8Array = new Uint8Array(64).fill(1)): Uint8Array {
  return Uint8Array.from([0x30, 0x81, body.length, ...body]);
}

export const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');

export function provisionBody(k: Keychain, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    device_type: 'keychain', device_model: 'kt-s3',
    public_keys: { mldsa: b64(k.mldsa), mlkem: b64(k.mlkem) },
    se_certificate: b64(derCertificate()),
    ...extra,
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(svc: CloudService, method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
  const res = await fetch(svc.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}
