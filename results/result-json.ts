/**
 * RunResult as a JSON file (out/<run>/result.json): typed arrays become plain arrays, NaN
 * becomes null, and `schemaVersion` says which shape of RunResult the file holds. The reverse
 * validates the shape so a hand-edited, truncated or newer file gets a clear error instead of a
 * chart of garbage.
 * @module
 */
import type { DeviceColumns, RunResult } from './result.ts';

/**
 * The shape of result.json. Bump it when a field is renamed, removed or changes meaning (adding
 * an optional field does not need it), so readers refuse a file they would misread. Files written
 * before the field existed have shape 1.
 */
export const RESULT_SCHEMA_VERSION = 2;

const FLOAT_COLUMNS = ['capacityMah', 'depletedDay', 'lifeDays', 'finalSoc', 'energyMj'] as const;
const UINT_COLUMNS = ['unlocks', 'handshakes', 'failures'] as const;

export function resultToJson(result: RunResult): string {
  return JSON.stringify({ schemaVersion: RESULT_SCHEMA_VERSION, ...result }, (_key, value: unknown) => {
    if (value instanceof Float64Array || value instanceof Uint32Array) {
      return Array.from(value, (v) => (Number.isNaN(v) ? null : v));
    }
    return value;
  });
}

export function resultFromJson(text: string, source = 'result.json'): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${source}: expected a JSON object (is this a keytwin result.json?)`);
  const { schemaVersion, ...r } = raw as Record<string, unknown>;
  const refuse = (v: unknown) =>
    new Error(`${source}: result schema version ${JSON.stringify(v)}, this keytwin reads version ${RESULT_SCHEMA_VERSION} (re-run the scenario, or use the keytwin that wrote it)`);
  if (schemaVersion !== undefined && schemaVersion !== RESULT_SCHEMA_VERSION) throw refuse(schemaVersion);
  for (const key of ['manifest', 'summary', 'devices', 'daily', 'socSamples', 'telemetry']) {
    if (r[key] === undefined) throw new Error(`${source}: missing field '${key}' (is this a keytwin result.json?)`);
  }
  // A result written before the version field is version 1 (no intent outcomes).
  if (schemaVersion === undefined) throw refuse(1);
  const d = r.devices as Record<string, unknown>;
  const count = d.count;
  if (typeof count !== 'number') throw new Error(`${source}: devices.count must be a number`);
  const cols: Record<string, unknown> = { count, suite: d.suite };
  for (const name of FLOAT_COLUMNS) cols[name] = Float64Array.from(column(d, name, count, source), (v) => (v === null ? NaN : v));
  for (const name of UINT_COLUMNS) cols[name] = Uint32Array.from(column(d, name, count, source), (v) => v ?? 0);
  // Optional: files written before useful life was reported lack it.
  if (d.usefulLifeDays !== undefined) cols.usefulLifeDays = Float64Array.from(column(d, 'usefulLifeDays', count, source), (v) => (v === null ? NaN : v));
  return { ...(r as unknown as RunResult), devices: cols as unknown as DeviceColumns };
}

function column(d: Record<string, unknown>, name: string, count: number, source: string): (number | null)[] {
  const c = d[name];
  if (!Array.isArray(c) || c.length !== count) {
    throw new Error(`${source}: devices.${name} must be an array of ${count} numbers`);
  }
  return c as (number | null)[];
}
