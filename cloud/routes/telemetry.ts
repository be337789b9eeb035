/**
 * `POST /api/v1/telemetry`: a batch of the design's telemetry documents, uploaded by the phone
 * app, written to InfluxDB as measurement `device_telemetry` (tags device_id, event_type; fields
 * success, latency_ms, rssi, session_kdf; microsecond timestamps). The answer is sent only after
 * the server acknowledged the batch (group commit: batches arriving during a write share the next
 * one): 200 means written; when InfluxDB fails the lines are spilled by the store's sink
 * (replayable with `keytwin store replay`) and the answer is 503.
 * @module
 */
import { formatLine, type FieldValue } from '../../store/index.ts';
import { ApiError, badField, type Ctx, type Reply, type Route } from '../http.ts';
import type { Schema } from '../schema.ts';
import { errorSchema, principal, uuid } from './common.ts';
import { DAY_MS } from '../../units/index.ts';

export const MAX_RECORDS = 1000;
export const TELEMETRY_MEASUREMENT = 'device_telemetry';
/** Oldest timestamp accepted (buffered uploads may be late, not from before the product). */
const MIN_TIME_MS = Date.UTC(2020, 0, 1);
const MAX_FUTURE_MS = DAY_MS;

const record: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['device_id', 'timestamp', 'event_type', 'success'],
  properties: {
    device_id: uuid,
    timestamp: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', minimum: 0 }], description: 'RFC 3339, or ms since the epoch' },
    event_type: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,47}$', description: 'e.g. unlock_attempt, handshake, provision, battery' },
    success: { type: 'boolean' },
    latency_ms: { type: 'number', minimum: 0, maximum: 600000 },
    meta: {
      type: 'object', additionalProperties: false,
      properties: {
        rssi: { type: 'number', minimum: -127, maximum: 20, description: 'dBm' },
        session_kdf: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$', description: 'e.g. hybrid-v1' },
      },
    },
  },
};

const body: Schema = {
  type: 'object', additionalProperties: false, required: ['records'],
  properties: { records: { type: 'array', items: record, minItems: 1, maxItems: MAX_RECORDS } },
};

interface TelemetryRecord {
  device_id: string;
  timestamp: string | number;
  event_type: string;
  success: boolean;
  latency_ms?: number;
  meta?: { rssi?: number; session_kdf?: string };
}

async function handle(ctx: Ctx): Promise<Reply> {
  const p = principal(ctx);
  const { influx, engine, now } = ctx.deps;
  if (!influx) throw new ApiError(503, 'telemetry_unavailable', 'this service runs without InfluxDB (start it with --influx <url>)');
  const records = (ctx.body as { records: TelemetryRecord[] }).records;
  const nowMs = now();
  const lines: string[] = [];
  const devices = new Map<string, number>();
  records.forEach((r, i) => {
    const ms = typeof r.timestamp === 'number' ? r.timestamp : Date.parse(r.timestamp);
    if (ms < MIN_TIME_MS || ms > nowMs + MAX_FUTURE_MS) {
      throw badField(`records[${i}].timestamp`, 'a time between 2020-01-01 and one day from now', String(r.timestamp));
    }
    const id = r.device_id.toLowerCase();
    if (!devices.has(id)) devices.set(id, i);
    const fields: [string, FieldValue][] = [['success', r.success]];
    if (r.latency_ms !== undefined) fields.push(['latency_ms', r.latency_ms]);
    if (r.meta?.rssi !== undefined) fields.push(['rssi', r.meta.rssi]);
    if (r.meta?.session_kdf !== undefined) fields.push(['session_kdf', r.meta.session_kdf]);
    lines.push(formatLine(TELEMETRY_MEASUREMENT, [['device_id', id], ['event_type', r.event_type]], fields, Math.round(ms * 1000))!);
  });
  const ids = [...devices.keys()];
  const found = await engine.query<{ device_id: string; user_id: string; state: string }>(
    'SELECT c.device_id, d.user_id, c.state FROM cloud_devices c JOIN devices d USING (device_id) WHERE c.device_id = ANY($1::uuid[])', [ids]);
  const byId = new Map(found.rows.map((r) => [r.device_id, r]));
  for (const [id, i] of devices) {
    const row = byId.get(id);
    const field = `records[${i}].device_id`;
    if (!row) throw new ApiError(404, 'not_found', `${field}: device ${id} is not registered`, { field, expected: 'a registered device', got: id });
    if (p.role !== 'admin' && row.user_id !== p.sub) throw new ApiError(403, 'forbidden', `${field}: device ${id} belongs to another user`, { field, expected: 'a device of the token\'s user', got: id });
    if (row.state === 'revoked') throw new ApiError(409, 'conflict', `${field}: device ${id} is revoked; its telemetry is refused`, { field, expected: 'a device that is not revoked', got: id });
  }
  ctx.limitDevices(ids);
  const report = await influx.write(lines);
  if (report.failed > 0) {
    throw new ApiError(503, 'telemetry_unavailable',
      `InfluxDB did not acknowledge the batch (${report.errors[0] ?? 'unknown error'}); its ${lines.length} record(s) were spilled to ${report.spillFile} for replay`);
  }
  return { status: 200, body: { accepted: lines.length, devices: ids.length } };
}

export const telemetryRoute: Route = {
  method: 'POST',
  path: '/api/v1/telemetry',
  operationId: 'ingestTelemetry',
  summary: `Upload a batch (1..${MAX_RECORDS}) of telemetry documents; answered after InfluxDB acknowledged it`,
  auth: ['user', 'admin'],
  body,
  responses: {
    200: {
      description: 'written to InfluxDB',
      schema: { type: 'object', required: ['accepted', 'devices'], properties: { accepted: { type: 'integer', minimum: 1 }, devices: { type: 'integer', minimum: 1 } } },
    },
    400: { description: 'malformed record (field named, e.g. records[3].meta.rssi)', schema: errorSchema },
    403: { description: 'a record names another user\'s device', schema: errorSchema },
    404: { description: 'a record names an unregistered device', schema: errorSchema },
    409: { description: 'a record names a revoked device', schema: errorSchema },
    503: { description: 'InfluxDB unavailable or not configured; the batch was spilled, retry later', schema: errorSchema },
  },
  handle,
};
