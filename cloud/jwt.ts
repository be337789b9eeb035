/**
 * Short-lived JSON Web Tokens (RFC 7519) signed with HS256. The app holds `role: user` tokens
 * whose `sub` is the user's id; operators hold `role: admin`. Verification is jose's `jwtVerify`
 * (a maintained implementation of JWS/JWT) restricted to HS256 — never `none`, never an
 * algorithm the token chooses — with the issuer and expiry checked by jose and the lifetime,
 * role and subject rules checked here. Minting is jose's `SignJWT` too (it was a hand-written
 * HMAC, issue 15): no JOSE serialisation or signing code of our own to get wrong. jose signs with
 * WebCrypto, so minting is asynchronous.
 * @module
 */
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The user's id (a UUID) for `user`; an operator name for `admin`. */
  sub: string;
  role: Role;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface MintOptions {
  sub: string;
  role: Role;
  /** Lifetime in seconds (default 900: 15 minutes). */
  ttlSeconds?: number;
  /** Issue time in ms since the epoch (default Date.now()). */
  nowMs?: number;
}

export const DEFAULT_TOKEN_TTL_S = 900;
/** Longest lifetime a token may have: these are meant to be short-lived. */
export const MAX_TOKEN_TTL_S = 86_400;
const ISSUER = 'keytwin-cloud';
const CLOCK_SKEW_S = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Signs a token; rejects with a RangeError naming the bad option. */
export async function mintToken(secret: Uint8Array, options: MintOptions): Promise<string> {
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
  if (!(ttl > 0 && ttl <= MAX_TOKEN_TTL_S)) throw new RangeError(`mintToken: ttlSeconds must be in 1..${MAX_TOKEN_TTL_S}, got ${ttl}`);
  if (!(ROLES as readonly string[]).includes(options.role)) throw new RangeError(`mintToken: role must be one of ${ROLES.join(', ')}, got '${options.role}'`);
  if (options.role === 'user' && !UUID.test(options.sub)) throw new RangeError(`mintToken: a user token's sub must be the user's UUID, got '${options.sub}'`);
  if (options.sub === '') throw new RangeError('mintToken: sub is empty');
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  return new SignJWT({ role: options.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(options.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(secret);
}

/** Verifies a token; rejects with an Error whose message says why it is refused. */
export async function verifyToken(secret: Uint8Array, token: string, nowMs: number): Promise<Principal> {
  const now = Math.floor(nowMs / 1000);
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, secret, {
      algorithms: ['HS256'], issuer: ISSUER, currentDate: new Date(nowMs), clockTolerance: 0, requiredClaims: ['exp', 'iat', 'sub'],
    }));
  } catch (err) {
    throw new Error(tokenProblem(err, token));
  }
  const { sub, role, exp, iat } = claims;
  if (typeof exp !== 'number' || exp <= now) throw new Error('token has expired');
  if (typeof iat !== 'number' || iat > now + CLOCK_SKEW_S) throw new Error('token is issued in the future');
  if (exp - iat > MAX_TOKEN_TTL_S) throw new Error(`token lifetime exceeds ${MAX_TOKEN_TTL_S} s`);
  if (role !== 'user' && role !== 'admin') throw new Error(`token role must be user or admin, got ${JSON.stringify(role)}`);
  if (typeof sub !== 'string' || sub === '' || (role === 'user' && !UUID.test(sub))) throw new Error('token subject is missing or not a user id');
  return { sub, role, exp };
}

/** jose's refusal in this service's words (the 401 names why). */
function tokenProblem(err: unknown, token: string): string {
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    let alg: unknown;
    try {
      alg = (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    } catch {
      alg = undefined;
    }
    return `token algorithm must be HS256, got ${JSON.stringify(alg)}`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof joseErrors.JWTExpired) return 'token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return `token issuer must be '${ISSUER}'`;
    if (err.claim === 'iat' || err.claim === 'nbf') return 'token is issued in the future';
    return `token claim ${err.claim} is invalid: ${err.reason}`;
  }
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return `malformed token: ${(err as Error).message}`;
  return `malformed token: ${(err as Error).message}`;
}
