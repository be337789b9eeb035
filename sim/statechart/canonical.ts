/**
 * Canonical serialisation of statechart configurations (state value, context, history) and of
 * event payloads / action params. Two values get the same key iff they are structurally equal;
 * object keys are sorted so key order in a context never splits one configuration into two.
 * It also enforces the models' contract that context is finite plain data: functions, class
 * instances (Uint8Array, Map, actor refs, ...) and bigints are rejected with the field path.
 * The compiler calls this a few times per explored transition, so the happy path builds no
 * paths; only a rejected value is walked again to name where it is.
 * @module
 */

const REJECT = Symbol('not plain data');

/** Serialise `value` canonically; `where` names the value in errors (e.g. `context`). */
export function canonicalKey(value: unknown, where: string | (() => string)): string {
  try {
    return write(value);
  } catch (err) {
    if (err !== REJECT) throw err;
    throw new TypeError(describe(value, typeof where === 'string' ? where : where()) ?? `${String(where)}: not plain data`);
  }
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // String() keeps NaN/Infinity distinct (JSON would turn both into null).
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'object':
      break;
    default:
      throw REJECT;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i > 0 ? ',' : '') + write(value[i]);
    return s + ']';
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw REJECT;
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (keys.length > 1) keys.sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    s += (i > 0 ? ',' : '') + JSON.stringify(k) + ':' + write(rec[k]);
  }
  return s + '}';
}

/** The error message for the first non-plain value under `value`, or undefined if none. */
function describe(value: unknown, path: string): string | undefined {
  const expected = 'expected plain data (string, number, boolean, null, array, plain object)';
  const t = typeof value;
  if (t === 'function' || t === 'bigint' || t === 'symbol') return `${path}: ${expected}, got ${t}`;
  if (t !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const d = describe(value[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown class';
    return `${path}: ${expected}, got an instance of ${name}`;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const d = describe(v, `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}
