/**
 * Request validation with JSON Schema 2020-12 (as OpenAPI 3.1 uses it). The same schema objects
 * validate requests and are embedded in the OpenAPI document, so the document cannot drift from
 * what the service accepts. `compileSchema` is the gate: ajv (a maintained 2020-12 validator)
 * must accept the value, and so must `validate`, a small reader of the same subset that reports
 * the first problem with its field path, what was expected and what was got, for a 400 the
 * client can act on (ajv's own error is the fallback message).
 * @module
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

export type Schema =
  | { type: 'object'; properties: Readonly<Record<string, Schema>>; required?: readonly string[]; additionalProperties?: boolean; description?: string }
  | { type: 'string'; minLength?: number; maxLength?: number; pattern?: string; format?: 'uuid' | 'date-time' | 'byte'; enum?: readonly string[]; description?: string }
  | { type: 'integer' | 'number'; minimum?: number; maximum?: number; description?: string }
  | { type: 'boolean'; description?: string }
  | { type: 'null'; description?: string }
  | { type: 'array'; items: Schema; minItems?: number; maxItems?: number; description?: string }
  | { anyOf: readonly Schema[]; description?: string };

export interface ValidationProblem {
  /** Dotted path from the body or query root, e.g. `records[3].meta.rssi`; '' for the root. */
  field: string;
  expected: string;
  got: string;
}

/** Compiled patterns, by source: schemas are constants, so this stays as small as they are. */
const PATTERNS = new Map<string, RegExp>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Returns the first problem of `value` against `schema`, or null when it is valid. */
export function validate(schema: Schema, value: unknown, field = ''): ValidationProblem | null {
  if ('anyOf' in schema) {
    for (const s of schema.anyOf) if (validate(s, value, field) === null) return null;
    return { field, expected: schema.anyOf.map(describe).join(' or '), got: show(value) };
  }
  switch (schema.type) {
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return { field, expected: 'an object', got: show(value) };
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (obj[key] === undefined) return { field: join(field, key), expected: `${describe(schema.properties[key]!)} (required)`, got: 'nothing' };
      }
      for (const [key, v] of Object.entries(obj)) {
        // Own keys only: '__proto__' or 'constructor' must not find Object.prototype's members.
        const sub = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
        if (sub === undefined) {
          if (schema.additionalProperties === false) {
            return { field: join(field, key), expected: `no such field (allowed: ${Object.keys(schema.properties).join(', ')})`, got: show(v) };
          }
          continue;
        }
        const p = validate(sub, v, join(field, key));
        if (p) return p;
      }
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return { field, expected: 'an array', got: show(value) };
      if (schema.minItems !== undefined && value.length < schema.minItems) return { field, expected: `at least ${schema.minItems} item(s)`, got: `${value.length}` };
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return { field, expected: `at most ${schema.maxItems} items`, got: `${value.length}` };
      for (let i = 0; i < value.length; i++) {
        const p = validate(schema.items, value[i], `${field}[${i}]`);
        if (p) return p;
      }
      return null;
    }
    case 'string':
      return checkString(schema, value, field);
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.type === 'integer' && !Number.isInteger(value))) {
        return { field, expected: describe(schema), got: show(value) };
      }
      if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
        return { field, expected: describe(schema), got: show(value) };
      }
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : { field, expected: 'a boolean', got: show(value) };
    case 'null':
      return value === null ? null : { field, expected: 'null', got: show(value) };
  }
}

function checkString(schema: Extract<Schema, { type: 'string' }>, value: unknown, field: string): ValidationProblem | null {
  if (typeof value !== 'string') return { field, expected: describe(schema), got: show(value) };
  const bad = (): ValidationProblem => ({ field, expected: describe(schema), got: show(value) });
  if (schema.enum && !schema.enum.includes(value)) return bad();
  if (schema.minLength !== undefined && value.length < schema.minLength) return bad();
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return bad();
  if (schema.pattern !== undefined) {
    let re = PATTERNS.get(schema.pattern);
    if (!re) PATTERNS.set(schema.pattern, (re = new RegExp(schema.pattern)));
    if (!re.test(value)) return bad();
  }
  if (schema.format === 'uuid' && !UUID.test(value)) return bad();
  if (schema.format === 'byte' && (!BASE64.test(value) || value.length % 4 !== 0)) return bad();
  if (schema.format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) return bad();
  return null;
}

/** A short English description of what a schema accepts. */
export function describe(schema: Schema): string {
  if ('anyOf' in schema) return schema.anyOf.map(describe).join(' or ');
  switch (schema.type) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'boolean': return 'a boolean';
    case 'null': return 'null';
    case 'integer':
    case 'number': {
      const kind = schema.type === 'integer' ? 'an integer' : 'a number';
      if (schema.minimum !== undefined && schema.maximum !== undefined) return `${kind} in ${schema.minimum}..${schema.maximum}`;
      if (schema.minimum !== undefined) return `${kind} ≥ ${schema.minimum}`;
      if (schema.maximum !== undefined) return `${kind} ≤ ${schema.maximum}`;
      return kind;
    }
    case 'string': {
      if (schema.enum) return `one of ${schema.enum.map((e) => `'${e}'`).join(', ')}`;
      if (schema.format === 'uuid') return 'a UUID string';
      if (schema.format === 'byte') return 'a base64 string';
      if (schema.format === 'date-time') return 'an RFC 3339 date-time string';
      const len = schema.maxLength !== undefined ? ` of ${schema.minLength ?? 0}..${schema.maxLength} characters` : '';
      return `a string${len}${schema.pattern ? ` matching ${schema.pattern}` : ''}`;
    }
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string '${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  return `${typeof v} ${String(v)}`;
}

// ajv with this module's formats (the same rules `validate` applies), not ajv-formats' looser
// ones (its uuid accepts a urn:uuid: prefix Postgres would refuse).
const ajv = new Ajv2020({ strict: false, allErrors: false });
ajv.addFormat('uuid', UUID);
ajv.addFormat('byte', { type: 'string', validate: (v: string) => BASE64.test(v) && v.length % 4 === 0 });
ajv.addFormat('date-time', { type: 'string', validate: (v: string) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) });

export type CompiledSchema = (value: unknown, field?: string) => ValidationProblem | null;

/** Compiles a schema into the request gate: null when both ajv and `validate` accept the value. */
export function compileSchema(schema: Schema): CompiledSchema {
  const check = ajv.compile(JSON.parse(JSON.stringify(schema)) as object);
  return (value, field = '') => {
    const mine = validate(schema, value, field);
    if (mine) return mine;
    if (check(value)) return null;
    return fromAjv(check.errors?.[0], field);
  };
}

function fromAjv(e: ErrorObject | undefined, root: string): ValidationProblem {
  if (!e) return { field: root, expected: 'a value the schema accepts', got: 'a value it refuses' };
  const path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let field = root;
  for (const p of path) field = /^\d+$/.test(p) ? `${field}[${p}]` : field === '' ? p : `${field}.${p}`;
  const extra = (e.params as { additionalProperty?: string; missingProperty?: string });
  const key = extra.additionalProperty ?? extra.missingProperty;
  if (key) field = field === '' ? key : `${field}.${key}`;
  return { field, expected: `a value where ${e.message ?? 'the schema holds'}`, got: 'a value that does not' };
}
