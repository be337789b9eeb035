/**
 * Which InfluxDB-protocol server to write to, and through which API, from a URL and/or the
 * environment: INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET select the 2.x write API
 * (InfluxDB 2.x/3.x/Cloud, 1.8+ compatibility, VictoriaMetrics) through the official client;
 * INFLUX_DB selects the 1.x `/write` endpoint (InfluxDB 1.x, VictoriaMetrics). The URL may
 * carry the same settings as query parameters: `http://host:8086?db=keytwin`,
 * `http://host:8428?org=o&bucket=b`. Tokens are never written to spill files or messages.
 * @module
 */

export interface InfluxConfig {
  /** Base URL of the server, e.g. http://127.0.0.1:8086 (no query string). */
  url: string;
  api: 'v1' | 'v2';
  /** v1: the database. */
  db?: string;
  /** v1: the retention policy (default: the database's default). */
  rp?: string;
  /** v1: basic-auth credentials (from the URL's user:password). */
  username?: string;
  password?: string;
  /** v2 (and v1 on 1.8+): API token. */
  token?: string;
  org?: string;
  bucket?: string;
  /** Lines per request (default 5000). */
  batchSize?: number;
  /** Retries after the first failed attempt of a batch (default 5). */
  maxRetries?: number;
  /** First retry delay, doubled each retry up to maxRetryDelayMs (defaults 250 ms, 4000 ms). */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Give a batch up after this long in retries (default 30 s). */
  maxRetryTimeMs?: number;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** v1: requests in flight at once (default 2). */
  concurrency?: number;
  /** Where points that could not be written are kept (default .keytwin/spill). */
  spillDir?: string;
  /** Name stem of the spill file (default: 'points'); persistRun uses the run id. */
  spillName?: string;
}

export type InfluxEnv = Partial<Record<'INFLUX_URL' | 'INFLUX_TOKEN' | 'INFLUX_ORG' | 'INFLUX_BUCKET' | 'INFLUX_DB', string>>;

/** Builds the config from a URL (optional when INFLUX_URL is set) and the environment. */
export function influxConfig(url: string | undefined, env: InfluxEnv = process.env as InfluxEnv, extra: Partial<InfluxConfig> = {}): InfluxConfig {
  const raw = url ?? env.INFLUX_URL;
  if (!raw) throw new Error('no InfluxDB URL: pass --influx <url> or set INFLUX_URL');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`InfluxDB URL '${raw}' is not a valid URL (expected e.g. http://127.0.0.1:8086?db=keytwin)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`InfluxDB URL '${safeUrl(u)}': expected http:// or https://, got '${u.protocol}'`);
  }
  const q = (k: string) => u.searchParams.get(k) ?? undefined;
  const db = q('db') ?? env.INFLUX_DB;
  const bucket = q('bucket') ?? env.INFLUX_BUCKET;
  const org = q('org') ?? env.INFLUX_ORG;
  const token = env.INFLUX_TOKEN;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`;
  let cfg: InfluxConfig;
  if (db) {
    cfg = { url: base, api: 'v1', db, ...(q('rp') ? { rp: q('rp') } : {}), ...(username ? { username } : {}), ...(password ? { password } : {}), ...(token ? { token } : {}) };
  } else if (bucket) {
    if (!org) throw new Error(`InfluxDB URL '${safeUrl(u)}': the 2.x API needs an organisation with the bucket: add ?org=<org> or set INFLUX_ORG`);
    cfg = { url: base, api: 'v2', bucket, org, ...(token ? { token } : {}) };
  } else {
    throw new Error(`InfluxDB URL '${safeUrl(u)}': say where to write: ?db=<database> (or INFLUX_DB) for the 1.x /write API, or ?bucket=<bucket>&org=<org> (or INFLUX_BUCKET, INFLUX_ORG, INFLUX_TOKEN) for the 2.x API`);
  }
  return { ...cfg, ...extra };
}

/** A one-line description of where points go, without secrets. */
export function describeTarget(c: InfluxConfig): string {
  return c.api === 'v1' ? `${c.url} /write db=${c.db}${c.rp ? ` rp=${c.rp}` : ''}` : `${c.url} /api/v2/write org=${c.org} bucket=${c.bucket}`;
}

/** The settings a spill file records so replay can find the target again (no token, no password). */
export function publicTarget(c: InfluxConfig): Pick<InfluxConfig, 'url' | 'api' | 'db' | 'rp' | 'org' | 'bucket' | 'username'> {
  const { url, api, db, rp, org, bucket, username } = c;
  return JSON.parse(JSON.stringify({ url, api, db, rp, org, bucket, username })) as ReturnType<typeof publicTarget>;
}

function safeUrl(u: URL): string {
  const c = new URL(u.toString());
  if (c.password) c.password = '***';
  return c.toString();
}
