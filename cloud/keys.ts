/**
 * The service's two secrets for development: the JWT HMAC secret and the seed of the OTA
 * manifest-signing key, kept in one JSON file (mode 0600, created on first use) so that
 * `keytwin cloud serve` and `keytwin cloud token` agree without a KMS. KEYTWIN_JWT_SECRET (hex,
 * ≥ 32 bytes) overrides the file's JWT secret.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_KEYS_FILE = '.keytwin/cloud-keys.json';

export interface CloudKeys {
  jwtSecret: Uint8Array;
  otaSeed: Uint8Array;
  /** Where they came from, for messages. */
  source: string;
  created: boolean;
}

export function loadCloudKeys(path = DEFAULT_KEYS_FILE, env: NodeJS.ProcessEnv = process.env): CloudKeys {
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify({ jwt_secret: randomBytes(32).toString('hex'), ota_seed: randomBytes(32).toString('hex') }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    created = true;
  }
  // Like ssh with a private key: secrets others can read are refused, not used silently (anyone
  // on the machine could mint admin tokens or sign firmware with them).
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(`${path}: the key file is accessible by group or others (mode 0${mode.toString(8)}); it holds the JWT secret and the OTA signing seed: run chmod 600 ${path}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not a keytwin cloud key file (${(err as Error).message})`);
  }
  const file = raw as { jwt_secret?: unknown; ota_seed?: unknown };
  const hex = (v: unknown, field: string, bytes: number, exact: boolean): Uint8Array => {
    if (typeof v !== 'string' || !/^([0-9a-f]{2})+$/i.test(v) || (exact ? v.length !== bytes * 2 : v.length < bytes * 2)) {
      throw new Error(`${path}: ${field} must be ${exact ? '' : 'at least '}${bytes} bytes of hex, got ${typeof v === 'string' ? `${v.length} characters` : typeof v}`);
    }
    return new Uint8Array(Buffer.from(v, 'hex'));
  };
  const envSecret = env.KEYTWIN_JWT_SECRET;
  const jwtSecret = envSecret !== undefined ? hex(envSecret, 'KEYTWIN_JWT_SECRET', 32, false) : hex(file.jwt_secret, 'jwt_secret', 32, false);
  return { jwtSecret, otaSeed: hex(file.ota_seed, 'ota_seed', 32, true), source: envSecret !== undefined ? `KEYTWIN_JWT_SECRET + ${path}` : path, created };
}
