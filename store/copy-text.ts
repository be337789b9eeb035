/**
 * Encoders for Postgres COPY text format (the bulk-load format both engines accept): one row per
 * line, columns separated by tabs, `\N` for NULL, and backslash escapes for the characters that
 * would otherwise end a field or a row.
 * @module
 */

export const NULL = '\\N';

/** A text value: backslash, tab, newline and carriage return escaped. */
export function text(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, escapeChar) : value;
}

function escapeChar(c: string): string {
  return c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r';
}

/** A float8: NaN becomes NULL (the simulator's "no value"); ±Infinity are written as Postgres spells them. */
export function float(value: number): string {
  if (Number.isNaN(value)) return NULL;
  return String(value);
}

/** An integer column; fails loudly instead of writing a fraction or NaN into bigint. */
export function int(value: number, what: string): string {
  if (!Number.isInteger(value)) throw new Error(`${what}: expected an integer, got ${value}`);
  return String(value);
}

export function bool(value: boolean): string {
  return value ? 't' : 'f';
}

/** A json/jsonb value. */
export function json(value: unknown): string {
  return text(JSON.stringify(value));
}

/**
 * Yields COPY text in chunks of about `rowsPerChunk` rows, so a large table streams instead of
 * becoming one giant string.
 */
export function* rowsToCopyText(count: number, row: (i: number) => string, rowsPerChunk = 5000): Generator<string> {
  for (let start = 0; start < count; start += rowsPerChunk) {
    const end = Math.min(count, start + rowsPerChunk);
    const lines = new Array<string>(end - start);
    for (let i = start; i < end; i++) lines[i - start] = row(i);
    yield lines.join('\n') + '\n';
  }
}
