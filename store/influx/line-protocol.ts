/**
 * InfluxDB line protocol: `measurement,tag=v field=1,flag=true,text="x" <timestamp>`. Escaping
 * follows the protocol reference (commas, spaces and '=' in names and tag values; quotes and
 * backslashes in string fields). Numbers are always written as floats (no `i` suffix) so a field
 * never changes type between points; NaN and ±Infinity have no line-protocol form and are left
 * out of the line.
 * @module
 */

export type FieldValue = number | boolean | string;

const NEEDS_MEASUREMENT = /[\\, ]/;
const NEEDS_KEY = /[\\,= \n]/;
const NEEDS_STRING = /[\\"\n]/;

/** Escapes a measurement name (commas and spaces). */
export function escapeMeasurement(s: string): string {
  return NEEDS_MEASUREMENT.test(s) ? s.replace(/[\\, ]/g, (c) => (c === '\\' ? '\\\\' : '\\' + c)) : s;
}

/** Escapes a tag key, tag value or field key (commas, '=' and spaces). */
export function escapeKey(s: string): string {
  return NEEDS_KEY.test(s) ? s.replace(/[\\,= \n]/g, (c) => (c === '\n' ? '\\n' : c === '\\' ? '\\\\' : '\\' + c)) : s;
}

export function escapeString(s: string): string {
  return '"' + (NEEDS_STRING.test(s) ? s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c)) : s) + '"';
}

/** The series part of a line: escaped measurement and tags (empty tag values dropped). */
export function formatSeries(measurement: string, tags: readonly (readonly [string, string])[]): string {
  let out = escapeMeasurement(measurement);
  for (const [k, v] of tags) if (v !== '') out += ',' + escapeKey(k) + '=' + escapeKey(v);
  return out;
}

/** The field set of a line, or '' when no field has a line-protocol value. */
export function formatFields(fields: readonly (readonly [string, FieldValue])[]): string {
  let out = '';
  for (const [k, v] of fields) {
    let text: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) continue;
      text = String(v);
    } else if (typeof v === 'boolean') text = v ? 'true' : 'false';
    else text = escapeString(v);
    out += (out === '' ? '' : ',') + escapeKey(k) + '=' + text;
  }
  return out;
}

/**
 * One line. Tags with an empty value are dropped (the protocol has no empty tag); returns null
 * when no field is left (a line needs at least one).
 */
export function formatLine(measurement: string, tags: readonly (readonly [string, string])[], fields: readonly (readonly [string, FieldValue])[], timestamp: number): string | null {
  const f = formatFields(fields);
  return f === '' ? null : `${formatSeries(measurement, tags)} ${f} ${timestamp}`;
}
