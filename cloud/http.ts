/**
 * The service's HTTP vocabulary on node:http: a route (method, path template, roles, schemas,
 * handler) is data, so the dispatcher, the validator and the OpenAPI document all read the same
 * table. Errors are `ApiError`s rendered as `{ error, message, field?, expected?, got?,
 * request_id }` with the status they carry.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Engine } from '../store/index.ts';
import type { Principal, Role } from './jwt.ts';
import type { OtaSigner } from './ota-signing.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { TelemetryWriter } from './telemetry-writer.ts';
import type { Schema, ValidationProblem } from './schema.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly problem: ValidationProblem | null;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, problem: ValidationProblem | null = null, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.headers = headers;
  }
}

/** A 400 naming the field (for checks the schema cannot express). */
export function badField(field: string, expected: string, got: string): ApiError {
  return new ApiError(400, 'validation', `${field}: expected ${expected}, got ${got}`, { field, expected, got });
}

/** What every handler can reach. */
export interface Deps {
  engine: Engine;
  /** Where telemetry goes; null when the service runs without InfluxDB. */
  influx: TelemetryWriter | null;
  jwtSecret: Uint8Array;
  ota: OtaSigner;
  limiter: RateLimiter;
  /** Wall clock in ms (injected so tests can move it). */
  now: () => number;
  /** Input of the cloud statechart for new device records. */
  machineInput: { challengeTtlMs?: number };
}

export interface Ctx {
  deps: Deps;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
  principal: Principal | null;
  requestId: string;
  /**
   * Takes a rate-limit token for each device the request touches (the principal's token was
   * already taken); throws 429 when a bucket is empty.
   */
  limitDevices(deviceIds: readonly string[]): void;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface ResponseDoc {
  description: string;
  schema?: Schema;
}

export interface Route {
  method: 'GET' | 'POST';
  /** OpenAPI path template, e.g. `/api/v1/policy/{device_id}`. */
  path: string;
  operationId: string;
  summary: string;
  /** Roles allowed, or 'public' for no token. */
  auth: readonly Role[] | 'public';
  params?: Readonly<Record<string, Schema>>;
  query?: Extract<Schema, { type: 'object' }>;
  body?: Schema;
  responses: Readonly<Record<number, ResponseDoc>>;
  handle(ctx: Ctx): Promise<Reply>;
}

export interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([a-z_]+)\\?\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, regex: new RegExp(`^${source}$`), names };
}

export const MAX_BODY_BYTES = 1 << 20;

/** Reads a JSON body (at most MAX_BODY_BYTES); undefined when there is none. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json, got '${type || 'nothing'}'`);
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Decodes a base64 field already checked by the schema. */
export function bytesOf(b64: string): Uint8Array {
  const buf = Buffer.from(b64, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
