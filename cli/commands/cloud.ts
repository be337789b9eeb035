/**
 * `keytwin cloud serve|token`: runs the reference cloud service, and mints development tokens
 * for it. Both read the same key file (JWT secret, OTA signing seed), so a token minted here is
 * accepted by a server started here.
 * @module
 */
import { parseCommand, positiveNumber, UsageError, UserError } from '../args.ts';
import { DEFAULT_KEYS_FILE, DEFAULT_RATE_LIMITS, loadCloudKeys, mintToken, MAX_TOKEN_TTL_S, startCloudService, type RateLimits } from '../../cloud/index.ts';
import { DEFAULT_STORE } from '../../store/index.ts';

const HELP = `Usage: keytwin cloud serve [options]
       keytwin cloud token (--user <uuid> | --admin [--name <operator>]) [--ttl <s>] [--keys <file>]

serve   Runs the reference cloud API (/api/v1/...; OpenAPI at /api/v1/openapi.json) until Ctrl-C.
  --store <url>     postgres://… or a PGlite directory (default ${DEFAULT_STORE})
  --influx <url>    InfluxDB for telemetry, e.g. http://127.0.0.1:8086?db=keytwin (none: telemetry answers 503)
  --port <n>        TCP port (default 8080; 0 picks a free one)
  --host <addr>     interface (default 127.0.0.1)
  --keys <file>     JWT secret + OTA signing seed (default ${DEFAULT_KEYS_FILE}, created if absent;
                    KEYTWIN_JWT_SECRET=<hex> overrides the JWT secret)
  --principal-rate <n>  requests/s per token subject, burst n (default ${DEFAULT_RATE_LIMITS.principal.perSecond}, burst ${DEFAULT_RATE_LIMITS.principal.capacity})
  --device-rate <n>     requests/s per device, burst max(n, 1) (default ${DEFAULT_RATE_LIMITS.device.perSecond}, burst ${DEFAULT_RATE_LIMITS.device.capacity})

token   Prints a short-lived bearer token the server accepts.
  --user <uuid>     a user token (the app): reaches only that user's devices
  --admin           an admin token (operators): revoke, push policy, publish releases
  --name <name>     the admin's name in the audit log (default admin)
  --ttl <s>         lifetime in seconds (default 900, at most ${MAX_TOKEN_TTL_S})
`;

export async function run(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'serve') return serve(rest);
  if (sub === 'token') return token(rest);
  throw new UsageError(`unknown subcommand 'cloud ${sub}' (expected: serve, token)`);
}

function keys(path: string | undefined) {
  try {
    return loadCloudKeys(path ?? DEFAULT_KEYS_FILE);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

async function serve(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    store: { type: 'string' }, influx: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, keys: { type: 'string' },
    'principal-rate': { type: 'string' }, 'device-rate': { type: 'string' },
  }, HELP);
  if (!parsed) return 0;
  if (parsed.positionals.length) throw new UsageError(`unexpected argument '${parsed.positionals[0]}' (see keytwin cloud --help)`);
  const rateLimits: Partial<RateLimits> = {};
  for (const kind of ['principal', 'device'] as const) {
    const v = parsed.values[`${kind}-rate`];
    if (v !== undefined) {
      const n = positiveNumber(`${kind}-rate`, v);
      rateLimits[kind] = { capacity: Math.max(1, n), perSecond: n };
    }
  }
  const port = Number(parsed.values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got '${parsed.values.port}'`);
  const k = keys(parsed.values.keys);
  let svc;
  try {
    svc = await startCloudService({
      store: parsed.values.store ?? DEFAULT_STORE, influx: parsed.values.influx ?? null, port,
      ...(parsed.values.host ? { host: parsed.values.host } : {}), jwtSecret: k.jwtSecret, otaSeed: k.otaSeed, rateLimits,
    });
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  process.stdout.write(`keytwin cloud: ${svc.url}/api/v1  (store ${svc.store.location}; telemetry ${parsed.values.influx ? 'to ' + parsed.values.influx.replace(/:[^:@/]*@/, ':***@') : 'off (no --influx)'}; keys ${k.source}${k.created ? ', created' : ''})\n` +
    `OpenAPI: ${svc.url}/api/v1/openapi.json   tokens: keytwin cloud token --admin | --user <uuid>\nCtrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await svc.close();
  return 0;
}

async function token(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { user: { type: 'string' }, admin: { type: 'boolean' }, name: { type: 'string' }, ttl: { type: 'string' }, keys: { type: 'string' } }, HELP);
  if (!parsed) return 0;
  const { user, admin, name, ttl } = parsed.values;
  if ((user === undefined) === (admin !== true)) throw new UsageError('give exactly one of --user <uuid> or --admin');
  if (name !== undefined && !admin) throw new UsageError('--name is for admin tokens (a user token is named by --user)');
  const ttlSeconds = ttl === undefined ? undefined : Number(ttl);
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0 && ttlSeconds <= MAX_TOKEN_TTL_S)) {
    throw new UsageError(`--ttl must be an integer 1..${MAX_TOKEN_TTL_S} seconds, got '${ttl}'`);
  }
  const k = keys(parsed.values.keys);
  try {
    process.stdout.write(await mintToken(k.jwtSecret, { role: admin ? 'admin' : 'user', sub: admin ? (name ?? 'admin') : user!, ...(ttlSeconds ? { ttlSeconds } : {}) }) + '\n');
  } catch (err) {
    throw new UsageError(`--user: ${(err as Error).message.replace(/^mintToken: /, '')}`);
  }
  return 0;
}
