/**
 * Canonical serialisation of statechart configurations (state value, context, history) and of
 * event payloads / action params. Two values get the same key iff they are structurally equal;
 * object keys are sorted so key order in a context never splits one configuration into two.
 * It also enforces the models' contract that context is finite plain data: functions, class
 * instances (Uint8Array, Map, actor refs, ...) and bigints are rejected with the field path.
 * @module
 */

/** Serialise `value` canonically; `where` names the value in errors (e.g. `context`). */
export function canonicalKey(value: unknown, where: string): string {
  const parts: string[] = [];
  write(value, where, parts);
  return parts.join('');
}

function write(value: unknown, path: string, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      // String() keeps NaN/Infinity distinct (JSON would turn both into null).
      out.push(Object.is(value, -0) ? '-0' : String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
      out.push('undefined');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: expected plain data (string, number, boolean, null, array, plain object), got ${typeof value}`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], `${path}[${i}]`, out);
    }
    out.push(']');
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown class';
    throw new TypeError(`${path}: expected plain data (string, number, boolean, null, array, plain object), got an instance of ${name}`);
  }
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec).sort();
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (i > 0) out.push(',');
    out.push(JSON.stringify(k), ':');
    write(rec[k], `${path}.${k}`, out);
  }
  out.push('}');
}
