/**
 * `startCloudService(options)`: the reference cloud service on node:http. One dispatcher runs
 * every request through the same steps: route match (404/405), the rate-limit bucket of the
 * token's principal or, without a valid token, of the source address (429, before any
 * authorisation outcome), bearer token (401) and role (403, audited), path/query/body validation against
 * the route's schemas (400 naming the field), then the handler. It refuses to start when its
 * database (or a configured InfluxDB) does not answer.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { influxConfig, isConnectionError, openStore, type InfluxConfig, type Store } from '../store/index.ts';
import { audit } from './audit.ts';
import { ApiError, compileRoute, readJson, type CompiledRoute, type Ctx, type Deps, type Route } from './http.ts';
import { mintToken, verifyToken, type Principal, type Role } from './jwt.ts';
import { openApiDocument } from './openapi.ts';
import { otaSigner, registerSigningKey } from './ota-signing.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limit.ts';
import { ROUTES } from './routes/index.ts';
import { guardJson, stringProblem } from './json-guard.ts';
import { compileSchema, type CompiledSchema } from './schema.ts';
import { TelemetryWriter } from './telemetry-writer.ts';

export interface CloudServiceOptions {
  /** A store URL (postgres://..., a PGlite directory, memory://) or an opened store. */
  store: string | Store;
  /** InfluxDB for telemetry (URL as `keytwin run --influx` takes it, or a config); none: telemetry answers 503. */
  influx?: string | InfluxConfig | null;
  port?: number;
  host?: string;
  /** HS256 secret for the JWTs (at least 32 bytes). */
  jwtSecret: Uint8Array;
  /** 32-byte seed of the OTA manifest signing key; a random one when absent (dev only). */
  otaSeed?: Uint8Array;
  rateLimits?: Partial<RateLimits>;
  /** Attestation challenge lifetime (the cloud statechart's challengeTtlMs). */
  challengeTtlMs?: number;
  /** Wall clock (ms since the epoch); tests move it to expire challenges and tokens. */
  now?: () => number;
  /** Where telemetry InfluxDB could not take is spilled (default .keytwin/spill). */
  spillDir?: string;
  /** Called with one line per unexpected (500) error. */
  log?: (line: string) => void;
}

export interface CloudService {
  url: string;
  port: number;
  store: Store;
  /** Mints a token the service accepts (dev and tests): user tokens need the user's UUID. */
  token(role: Role, sub?: string, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startCloudService(options: CloudServiceOptions): Promise<CloudService> {
  if (!(options.jwtSecret instanceof Uint8Array) || options.jwtSecret.length < 32) {
    throw new Error(`startCloudService: jwtSecret must be at least 32 bytes, got ${options.jwtSecret?.length ?? 0}`);
  }
  const now = options.now ?? Date.now;
  const ownStore = typeof options.store === 'string';
  let store: Store;
  try {
    store = typeof options.store === 'string' ? await openStore(options.store) : options.store;
  } catch (err) {
    throw new Error(`the cloud service cannot reach its database ${String(options.store).replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const influx = await checkInflux(options.influx ?? null, options.spillDir);
    const ota = otaSigner(options.otaSeed ?? randomBytes(32));
    await registerSigningKey(store.engine, ota);
    const deps: Deps = {
      engine: store.engine, influx: influx ? new TelemetryWriter(influx) : null, jwtSecret: options.jwtSecret, ota, now,
      limiter: new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }),
      machineInput: options.challengeTtlMs !== undefined ? { challengeTtlMs: options.challengeTtlMs } : {},
    };
    const routes = ROUTES.map(compileRoute);
    const doc = JSON.stringify(openApiDocument(ROUTES));
    const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
    const server = createServer((req, res) => {
      void dispatch(req, res, routes, deps, doc, log);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return {
      url: `http://${host}:${addr.port}`,
      port: addr.port,
      store,
      token: (role, sub, ttlSeconds) => mintToken(options.jwtSecret, { role, sub: sub ?? (role === 'admin' ? 'admin' : ''), nowMs: now(), ...(ttlSeconds ? { ttlSeconds } : {}) }),
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownStore) await store.close();
      },
    };
  } catch (err) {
    if (ownStore) await store.close().catch(() => {});
    throw err;
  }
}

async function checkInflux(target: string | InfluxConfig | null, spillDir: string | undefined): Promise<InfluxConfig | null> {
  if (target === null) return null;
  const config = typeof target === 'string' ? influxConfig(target) : target;
  const ping = new URL(config.url + '/ping');
  try {
    const res = await fetch(ping, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET /ping answered ${res.status}`);
  } catch (err) {
    throw new Error(`the cloud service cannot reach InfluxDB at ${config.url}: ${(err as Error).message}`, { cause: err });
  }
  return { ...config, ...(spillDir ? { spillDir } : {}) };
}

async function dispatch(req: IncomingMessage, res: ServerResponse, routes: readonly CompiledRoute[], deps: Deps, doc: string, log: (l: string) => void): Promise<void> {
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
  let principal: Principal | null = null;
  let route: Route | null = null;
  let params: Record<string, string> = {};
  let body: unknown;
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/api/v1/openapi.json') return send(res, 200, doc, requestId);
    const source = `${req.socket.remoteAddress ?? '?'}`;
    let matched: ReturnType<typeof match>;
    try {
      matched = match(routes, req.method ?? 'GET', url.pathname);
    } catch (err) {
      // Probing unknown routes costs the source's tokens too.
      limit(deps, [{ kind: 'source', id: source }]);
      throw err;
    }
    route = matched.route.route;
    params = matched.params;
    // The rate limit comes before every authorisation outcome (401, 403): a refused request
    // costs a token like an accepted one, so a flood of them is 429 and writes no audit rows.
    let authError: unknown = null;
    if (route.auth !== 'public') {
      try {
        principal = await authenticate(req, deps);
      } catch (err) {
        authError = err;
      }
    }
    limit(deps, [principal ? { kind: 'principal', id: `${principal.role}:${principal.sub}` } : { kind: 'source', id: source }]);
    if (authError) throw authError;
    if (principal && route.auth !== 'public' && !route.auth.includes(principal.role)) {
      throw new ApiError(403, 'forbidden', `${route.method} ${route.path} requires the role ${route.auth.join(' or ')}; the token has '${principal.role}'`);
    }
    const gates = gatesOf(route);
    for (const [name, gate] of gates.params) {
      const p = stringProblem(params[name] ?? '', name) ?? gate(params[name], name);
      if (p) throw new ApiError(400, 'validation', `path parameter ${p.field}: expected ${p.expected}, got ${p.got}`, p);
    }
    if (gates.query) {
      const query = Object.fromEntries(url.searchParams);
      const q = guardJson(query) ?? gates.query(query, '');
      if (q) throw new ApiError(400, 'validation', `query parameter ${q.field}: expected ${q.expected}, got ${q.got}`, q);
    }
    body = await readJson(req);
    if (body !== undefined) {
      // Hostile shapes first (depth, prototype keys, NUL, lone surrogates): no schema walk, and
      // no handler, ever sees them, whether or not the route takes a body.
      const g = guardJson(body);
      if (g) throw new ApiError(400, 'validation', `${g.field || 'body'}: expected ${g.expected}, got ${g.got}`, g);
    }
    if (gates.body) {
      if (body === undefined) throw new ApiError(400, 'validation', 'a JSON request body is required', { field: '', expected: 'a JSON body', got: 'nothing' });
      const p = gates.body(body, '');
      if (p) throw new ApiError(400, 'validation', `${p.field || 'body'}: expected ${p.expected}, got ${p.got}`, p);
    }
    const ctx: Ctx = {
      deps, params, query: url.searchParams, body, principal, requestId,
      limitDevices: (ids) => limit(deps, ids.map((id) => ({ kind: 'device' as const, id: id.toLowerCase() }))),
    };
    const reply = await route.handle(ctx);
    send(res, reply.status, JSON.stringify(reply.body), requestId);
  } catch (err) {
    const e = toApiError(err);
    if (e.status === 500) log(`[cloud] ${requestId} ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
    // Refusals are on record: 403 (who may not) and 409 (what the statechart or the data does
    // not allow now); 422s are audited by their route. Handlers' own rows rolled back with them.
    if ((e.status === 403 || e.status === 409) && route) {
      await audit(deps.engine, {
        requestId, principal, action: route.operationId, outcome: e.status === 403 ? 'denied' : 'rejected', atMs: deps.now(),
        deviceId: deviceOf(params, body), detail: { message: e.message },
      }).catch((auditErr: unknown) => log(`[cloud] ${requestId}: audit of a denial failed: ${(auditErr as Error).message}`));
    }
    // RFC 7807 problem details (type, title, status, detail, instance), keeping this API's own
    // members (error, message, field, expected, got, request_id) alongside.
    const out = {
      type: `https://keytwin.dev/problems/${e.code}`, title: TITLES[e.status] ?? 'Error', status: e.status, detail: e.message,
      instance: (req.url ?? '/').split('?')[0]!.slice(0, 200),
      error: e.code, message: e.message, ...(e.problem ?? {}), request_id: requestId,
    };
    send(res, e.status, JSON.stringify(out), requestId, { 'content-type': 'application/problem+json; charset=utf-8', ...e.headers });
  }
}

interface Gates {
  params: [string, CompiledSchema][];
  query: CompiledSchema | null;
  body: CompiledSchema | null;
}

/** Each route's schemas compiled once (ajv compiles to code: not per request). */
const GATES = new WeakMap<Route, Gates>();
function gatesOf(route: Route): Gates {
  let g = GATES.get(route);
  if (!g) {
    g = {
      params: Object.entries(route.params ?? {}).map(([n, s]) => [n, compileSchema(s)]),
      query: route.query ? compileSchema(route.query) : null,
      body: route.body ? compileSchema(route.body) : null,
    };
    GATES.set(route, g);
  }
  return g;
}

/** The device a refused request was about (path, or body), for its audit row. */
function deviceOf(params: Record<string, string>, body: unknown): string | null {
  const id = params.device_id ?? (body as { device_id?: unknown } | undefined)?.device_id;
  return typeof id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : null;
}

function match(routes: readonly CompiledRoute[], method: string, path: string): { route: CompiledRoute; params: Record<string, string> } {
  const allowed: string[] = [];
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (!m) continue;
    if (r.route.method !== method) {
      allowed.push(r.route.method);
      continue;
    }
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => {
      const raw = m[i + 1]!;
      try {
        params[n] = decodeURIComponent(raw);
      } catch {
        throw new ApiError(400, 'validation', `path parameter ${n}: expected valid percent-encoding (UTF-8), got '${raw.slice(0, 60)}'`,
          { field: n, expected: 'valid percent-encoding (UTF-8)', got: raw.slice(0, 60) });
      }
    });
    return { route: r, params };
  }
  if (allowed.length) throw new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`, null, { allow: allowed.join(', ') });
  throw new ApiError(404, 'not_found', `no route ${method} ${path} (see /api/v1/openapi.json)`);
}

async function authenticate(req: IncomingMessage, deps: Deps): Promise<Principal> {
  const h = req.headers.authorization;
  const challenge = { 'www-authenticate': 'Bearer realm="keytwin"' };
  if (!h) throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <token>', null, challenge);
  const m = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(h);
  if (!m) throw new ApiError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"', null, challenge);
  try {
    return await verifyToken(deps.jwtSecret, m[1]!, deps.now());
  } catch (err) {
    throw new ApiError(401, 'unauthorized', `invalid token: ${(err as Error).message}`, null, { 'www-authenticate': 'Bearer realm="keytwin", error="invalid_token"' });
  }
}

function limit(deps: Deps, keys: { kind: 'principal' | 'source' | 'device'; id: string }[]): void {
  const waitMs = deps.limiter.take(keys, deps.now());
  if (waitMs > 0) {
    const which = keys.length === 1 ? `${keys[0]!.kind} ${keys[0]!.id}` : `one of ${keys.length} ${keys[0]!.kind} buckets`;
    throw new ApiError(429, 'rate_limited', `rate limit exceeded for ${which}; retry in ${waitMs} ms`, null, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
  }
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // A lost or refused database connection is the store's outage, not the request's fault.
  if (isConnectionError(err)) return new ApiError(503, 'store_unavailable', 'the database is unavailable; retry later', null, { 'retry-after': '1' });
  return new ApiError(500, 'internal', 'internal error (logged with the request id)');
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone',
  413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

function send(res: ServerResponse, status: number, body: string, requestId: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId, 'cache-control': 'no-store', ...headers });
  res.end(body);
}
