/**
 * What travels through JetStream for one distributed run, and its node:v8 encoding: the run record
 * (written once; a resumed coordinator checks it), a work item per partition, and a result
 * envelope per partition (the PartitionResult inline, or the name of the object holding it, or
 * the error that stopped the worker). Decoding checks shapes, so a stray message on a keytwin
 * subject is reported, not half-used.
 * @module
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { FleetConfig } from '../sim/twin/config.ts';
import { DistributedError } from './errors.ts';

/** Bumped when any of these shapes change, so old messages are refused by name. */
export const WIRE_VERSION = 1;

export interface RunRecord {
  wire: number;
  runId: string;
  /** SHA-256 of the resolved FleetConfig's v8 encoding: a resume must resolve the same config. */
  configHash: string;
  /** Partition p covers devices bounds[p] .. bounds[p + 1] − 1. */
  bounds: number[];
  codeVersion: string;
  scenario: string;
}

export interface WorkItem {
  wire: number;
  kind: 'work';
  runId: string;
  partition: number;
  lo: number;
  hi: number;
  codeVersion: string;
  cfg: FleetConfig;
}

export type ResultEnvelope = {
  wire: number;
  runId: string;
  partition: number;
  worker: string;
  /** Wall time the worker spent on the partition, ms. */
  wallMs: number;
  /** How many times JetStream had delivered this partition (1: first try). */
  delivery: number;
} & ({ kind: 'inline'; bytes: Uint8Array } | { kind: 'object'; name: string; size: number } | { kind: 'error'; message: string });

export function configHash(cfg: FleetConfig): string {
  return createHash('sha256').update(serialize(cfg)).digest('hex');
}

export const encode = (value: RunRecord | WorkItem | ResultEnvelope): Uint8Array => serialize(value);

function decodeObject(bytes: Uint8Array, what: string, subject: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = deserialize(bytes);
  } catch (err) {
    throw new DistributedError(`${what} on ${subject} is not a keytwin message (${(err as Error).message})`);
  }
  if (typeof v !== 'object' || v === null) throw new DistributedError(`${what} on ${subject} is not a keytwin message`);
  const o = v as Record<string, unknown>;
  if (o.wire !== WIRE_VERSION) throw new DistributedError(`${what} on ${subject} has wire version ${String(o.wire)}, this keytwin reads ${WIRE_VERSION}: coordinator and workers run different keytwin releases`);
  return o;
}

const isIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

export function decodeWorkItem(bytes: Uint8Array, subject: string): WorkItem {
  const o = decodeObject(bytes, 'work item', subject);
  if (o.kind !== 'work' || typeof o.runId !== 'string' || !isIndex(o.partition) || !isIndex(o.lo) || !isIndex(o.hi) || (o.hi as number) <= (o.lo as number) || typeof o.codeVersion !== 'string' || typeof o.cfg !== 'object' || o.cfg === null)
    throw new DistributedError(`work item on ${subject} is malformed (needs runId, partition, lo < hi, codeVersion, cfg)`);
  return o as unknown as WorkItem;
}

export function decodeRunRecord(bytes: Uint8Array, subject: string): RunRecord {
  const o = decodeObject(bytes, 'run record', subject);
  if (typeof o.runId !== 'string' || typeof o.configHash !== 'string' || !Array.isArray(o.bounds) || typeof o.codeVersion !== 'string')
    throw new DistributedError(`run record on ${subject} is malformed (needs runId, configHash, bounds, codeVersion)`);
  return o as unknown as RunRecord;
}

export function decodeResult(bytes: Uint8Array, subject: string): ResultEnvelope {
  const o = decodeObject(bytes, 'partition result', subject);
  const ok =
    typeof o.runId === 'string' &&
    isIndex(o.partition) &&
    typeof o.worker === 'string' &&
    ((o.kind === 'inline' && o.bytes instanceof Uint8Array) || (o.kind === 'object' && typeof o.name === 'string') || (o.kind === 'error' && typeof o.message === 'string'));
  if (!ok) throw new DistributedError(`partition result on ${subject} is malformed (needs runId, partition, worker, and inline bytes, an object name or an error)`);
  return o as unknown as ResultEnvelope;
}
