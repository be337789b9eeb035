/**
 * A device's cloud record is the `cloud` statechart of models/: every lifecycle decision (may this
 * device register, be challenged, get a policy, be suspended, reinstated or revoked) is the
 * machine's, taken with XState's pure `transition()` on the snapshot persisted in
 * `cloud_devices`, inside the request's transaction (row locked), and the new snapshot is written
 * back. Handlers read the outcome (the actions the machine fired, its new state) and only do the
 * I/O those actions name.
 * @module
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { cloudMachine, type CloudEvent } from '../models/cloud/index.ts';
import type { Queryable } from '../store/index.ts';
import { canonicalJson } from './canonical-json.ts';
import { ApiError } from './http.ts';

type Snapshot = SnapshotFrom<typeof cloudMachine>;

/** What is persisted: the state value and the (finite) context. */
export interface PersistedRecord {
  value: Snapshot['value'];
  context: Snapshot['context'];
}

export interface DeviceRow {
  deviceId: string;
  userId: string;
  state: string;
  record: PersistedRecord;
  status: string;
}

export interface Step {
  record: PersistedRecord;
  /** Top-level state after the event: unprovisioned | active | suspended | revoked. */
  state: string;
  /** Named actions the machine fired (recordProvisioned, issueChallenge, ...). */
  actions: string[];
  /** Delayed events the machine scheduled, by id, with their delay (the challenge TTL). */
  timers: { id: string; delayMs: number }[];
  /** Whether the machine took a transition at all (false: the event was ignored). */
  changed: boolean;
}

/** A record that has never been provisioned. */
export function newRecord(input: { challengeTtlMs?: number }): PersistedRecord {
  const [s] = initialTransition(cloudMachine, input);
  return { value: s.value, context: s.context };
}

/** Feeds one event to the record's statechart. */
export function step(record: PersistedRecord, event: CloudEvent): Step {
  const before = cloudMachine.resolveState({ value: record.value, context: record.context });
  const [after, actions] = transition(cloudMachine, before, event);
  const names: string[] = [];
  const timers: { id: string; delayMs: number }[] = [];
  for (const a of actions) {
    if (a.type === 'xstate.raise') {
      const p = a.params as { id?: string; delay?: number } | undefined;
      if (p?.id && typeof p.delay === 'number') timers.push({ id: p.id, delayMs: p.delay });
    } else if (!a.type.startsWith('xstate.')) names.push(a.type);
  }
  const next = { value: after.value, context: after.context };
  return {
    record: next,
    state: topState(after.value),
    actions: names,
    timers,
    changed: names.length > 0 || canonicalJson(next) !== canonicalJson(record),
  };
}

export function topState(value: Snapshot['value']): string {
  return typeof value === 'string' ? value : Object.keys(value)[0]!;
}

/** The sub-state of a region of `active` (attestation, policy), or null outside `active`. */
export function region(record: PersistedRecord, name: 'attestation' | 'policy'): string | null {
  const v = record.value;
  if (typeof v === 'string') return null;
  const active = (v as Record<string, unknown>).active as Record<string, string> | undefined;
  return active?.[name] ?? null;
}

/** Loads and locks the device's row for the rest of the transaction; 404 when unknown. */
export async function lockDevice(tx: Queryable, deviceId: string): Promise<DeviceRow> {
  const res = await tx.query<{ user_id: string; state: string; snapshot: PersistedRecord; status: string }>(
    `SELECT d.user_id, c.state, c.snapshot, d.status FROM cloud_devices c JOIN devices d USING (device_id)
     WHERE c.device_id = $1 FOR UPDATE OF c`, [deviceId]);
  const row = res.rows[0];
  if (!row) throw new ApiError(404, 'not_found', `device ${deviceId} is not registered`, { field: 'device_id', expected: 'a registered device', got: deviceId });
  return { deviceId, userId: row.user_id, state: row.state, record: row.snapshot, status: row.status };
}

/**
 * Writes the new snapshot, and keeps the registry's `devices.status` equal to the machine's
 * top-level state (active, suspended, revoked), so the registry functions see what it decided.
 */
export async function saveRecord(tx: Queryable, deviceId: string, s: Step, nowMs: number): Promise<void> {
  await tx.query('UPDATE cloud_devices SET state = $2, snapshot = $3, updated_at = $4 WHERE device_id = $1',
    [deviceId, s.state, JSON.stringify(s.record), new Date(nowMs)]);
  if (s.state !== 'unprovisioned') {
    await tx.query('UPDATE devices SET status = $2 WHERE device_id = $1 AND status <> $2', [deviceId, s.state]);
  }
  // Unless the attestation region is `challenged`, the statechart holds no outstanding nonce
  // (answered, replayed against, expired, or the device left `active`): neither does the table.
  if (region(s.record, 'attestation') !== 'challenged') {
    await tx.query("UPDATE attest_challenges SET used_at = $2, outcome = 'superseded' WHERE device_id = $1 AND used_at IS NULL", [deviceId, new Date(nowMs)]);
  }
}

/** The 409 for an event the statechart does not take in the device's current state. */
export function refused(deviceId: string, state: string, what: string): ApiError {
  return new ApiError(409, 'conflict', `device ${deviceId} is ${state}: the cloud statechart does not accept ${what} in that state`);
}
