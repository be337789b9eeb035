/**
 * Field layouts: every message is a flat sequence of named fixed-length fields whose lengths
 * follow from the suite, so encoding is concatenation and decoding is slicing after one exact
 * total-length check. Decoders also return each field's offset, which the CLI and the live
 * runner show byte by byte.
 * @module
 */
import { ProtocolError } from '../errors.ts';

export interface FieldSpec {
  readonly name: string;
  readonly length: number;
}

/** A field as found in a message: name, offset and bytes (a view into the message). */
export interface Field {
  readonly name: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export function totalLength(specs: readonly FieldSpec[]): number {
  return specs.reduce((n, f) => n + f.length, 0);
}

/** Concatenates field values, checking each against its spec. */
export function encodeFields(message: string, specs: readonly FieldSpec[], values: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const out = new Uint8Array(totalLength(specs));
  let off = 0;
  for (const f of specs) {
    const v = values[f.name];
    if (!v) throw new TypeError(`${message}: missing field ${f.name}`);
    if (v.length !== f.length) throw new TypeError(`${message}.${f.name}: expected ${f.length} bytes, got ${v.length}`);
    out.set(v, off);
    off += f.length;
  }
  return out;
}

/** Slices a message into its fields after checking the exact total length. */
export function splitFields(message: string, bytes: Uint8Array, specs: readonly FieldSpec[]): Field[] {
  const expected = totalLength(specs);
  if (bytes.length !== expected)
    throw new ProtocolError('decode.length', `${message} must be ${expected} bytes for its suite, got ${bytes.length}`, message);
  const out: Field[] = [];
  let off = 0;
  for (const f of specs) {
    out.push({ name: f.name, offset: off, bytes: bytes.subarray(off, off + f.length) });
    off += f.length;
  }
  return out;
}

export function fieldMap(fields: readonly Field[]): Record<string, Uint8Array> {
  return Object.fromEntries(fields.map((f) => [f.name, f.bytes]));
}
