/**
 * InfluxDB line protocol: `measurement,tag=v field=1,flag=true,text="x" <timestamp>`. Escaping
 * follows the protocol reference (commas, spaces and '=' in names and tag values; quotes and
 * backslashes in string fields). Numbers are always written as floats (no `i` suffix) so a field
 * never changes type between points; NaN and ±Infinity have no line-protocol form and are left
 * out of the line.
 * @module
 */

export type FieldValue = number | boolean | string;

/** Escapes a measurement name (commas and spaces). */
export function escapeMeasurement(s: string): string {
  return s.replace(/[\\, ]/g, (c) => (c === '\\' ? '\\\\' : '\\' + c));
}

/** Escapes a tag key, tag value or field key (commas, '=' and spaces). */
export function escapeKey(s: string): string {
  return s.replace(/[\\,= \n]/g, (c) => (c === '\n' ? '\\n' : c === '\\' ? '\\\\' : '\\' + c));
}

export function escapeString(s: string): string {
  return '"' + s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c)) + '"';
}

/**
 * One line. Tags with an empty value are dropped (the protocol has no empty tag); returns null
 * when no field is left (a line needs at least one).
 */
export function formatLine(measurement: string, tags: readonly (readonly [string, string])[], fields: readonly (readonly [string, FieldValue])[], timestamp: number): string | null {
  let out = escapeMeasurement(measurement);
  for (const [k, v] of tags) if (v !== '') out += ',' + escapeKey(k) + '=' + escapeKey(v);
  let sep = ' ';
  let any = false;
  for (const [k, v] of fields) {
    let text: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) continue;
      text = String(v);
    } else if (typeof v === 'boolean') text = v ? 'true' : 'false';
    else text = escapeString(v);
    out += sep + escapeKey(k) + '=' + text;
    sep = ',';
    any = true;
  }
  if (!any) return null;
  return `${out} ${timestamp}`;
}

