/**
 * Which real servers the store tests may use. Each comes from its environment variable (as
 * .ci/run sets them) or, when unset, the loopback default that .ci/services.sh starts. If the
 * server does not answer: with KEYTWIN_REQUIRE_SERVICES=1 the test file FAILS (CI may skip
 * nothing); otherwise the tests are skipped and the reason is in their name.
 * @module
 */
import pg from 'pg';

export interface Service {
  url: string;
  /** Why the tests are skipped, or null when the server is up. */
  skip: string | null;
}

const REQUIRED = process.env.KEYTWIN_REQUIRE_SERVICES === '1';

async function probe(name: string, url: string, check: () => Promise<void>): Promise<Service> {
  try {
    await check();
    return { url, skip: null };
  } catch (err) {
    const reason = `${name} at ${url} not reachable: ${(err as Error).message}`;
    if (REQUIRED) throw new Error(`KEYTWIN_REQUIRE_SERVICES=1 but ${reason}`);
    return { url, skip: reason };
  }
}

export function postgres(): Promise<Service> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  return probe('Postgres (DATABASE_URL)', url, async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  });
}

async function ping(url: string, path: string): Promise<void> {
  const res = await fetch(new URL(path, url), { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
}

export function influx1(): Promise<Service> {
  const url = process.env.INFLUX1_URL ?? 'http://127.0.0.1:8086';
  return probe('InfluxDB 1.x (INFLUX1_URL)', url, () => ping(url, '/ping'));
}

export function victoria(): Promise<Service> {
  const url = process.env.VM_URL ?? 'http://127.0.0.1:8428';
  return probe('VictoriaMetrics (VM_URL)', url, () => ping(url, '/health'));
}

/** A test title that carries the skip reason when skipped. */
export function titled(title: string, s: Service): string {
  return s.skip ? `${title} [skipped: ${s.skip}]` : title;
}

/** A schema name unique to this test file and process, so parallel test files never collide. */
export function schemaFor(file: string): string {
  return `kt_${file.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}`;
}

/** Appends ?schema=... to a postgres URL. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}
