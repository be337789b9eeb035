/**
 * The live-progress contract: a running simulation POSTs LiveSnapshot JSON to the dashboard's
 * /api/live (at most about once a second; each snapshot replaces the previous one of its run).
 * The board keeps the latest snapshot per run in memory, and the progress points seen so far;
 * the page polls GET /api/live/<runId> (the snapshot plus `history`).
 * Validation names the field and what was expected, so a publisher bug shows up as a clear 400.
 * @module
 */
import { MAX_LIVE_VALUES, type DailyRow, type LiveSnapshot } from '../results/index.ts';

export { MAX_LIVE_VALUES, type LiveSnapshot };
const STATES = ['running', 'done', 'failed'] as const;

export class LiveSnapshotError extends Error {
  override name = 'LiveSnapshotError';
}

function fail(field: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? `'${got.slice(0, 40)}'` : Array.isArray(got) ? `array of ${got.length}` : JSON.stringify(got) ?? 'undefined';
  throw new LiveSnapshotError(`live snapshot: field '${field}' must be ${expected}, got ${shown}`);
}

function numberField(o: Record<string, unknown>, k: string, min = 0): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(k, `a finite number ≥ ${min}`, v);
  return v;
}

function numbers(o: Record<string, unknown>, k: string): number[] | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > MAX_LIVE_VALUES) fail(k, `an array of at most ${MAX_LIVE_VALUES} numbers`, v);
  const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) fail(`${k}[${bad}]`, 'a finite number', v[bad]);
  return v as number[];
}

/** Checks an untrusted body (parsed JSON) and returns it typed, or throws LiveSnapshotError. */
export function parseLiveSnapshot(body: unknown): LiveSnapshot {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('(body)', 'a JSON object', body);
  const o = body as Record<string, unknown>;
  if (typeof o.runId !== 'string' || !/^[\w.:-]{1,200}$/.test(o.runId)) fail('runId', 'a run id (letters, digits, . _ : -)', o.runId);
  if (typeof o.scenario !== 'string') fail('scenario', 'a string', o.scenario);
  const devices = numberField(o, 'devices', 1);
  const durationDays = numberField(o, 'durationDays');
  const simDay = numberField(o, 'simDay');
  if (simDay > durationDays) fail('simDay', `at most durationDays (${durationDays})`, simDay);
  if (!STATES.includes(o.state as (typeof STATES)[number])) fail('state', `one of ${STATES.join(', ')}`, o.state);
  if (o.message !== undefined && typeof o.message !== 'string') fail('message', 'a string', o.message);
  if (o.daily !== undefined) {
    if (!Array.isArray(o.daily)) fail('daily', 'an array of daily rows', o.daily);
    o.daily.forEach((r: unknown, i: number) => {
      const row = r as Record<string, unknown>;
      for (const k of ['day', 'socP5', 'socP50', 'socP95', 'alive', 'unlocks', 'handshakes']) {
        if (typeof row?.[k] !== 'number') fail(`daily[${i}].${k}`, 'a number', row?.[k]);
      }
      for (const k of ['failures', 'energyMjByState']) {
        if (typeof row[k] !== 'object' || row[k] === null) fail(`daily[${i}].${k}`, 'an object of numbers', row[k]);
      }
    });
  }
  return {
    runId: o.runId, scenario: o.scenario, devices, durationDays, simDay,
    events: numberField(o, 'events'), eventsPerSecond: numberField(o, 'eventsPerSecond'), wallMs: numberField(o, 'wallMs'),
    state: o.state as LiveSnapshot['state'],
    ...(o.message !== undefined ? { message: o.message as string } : {}),
    ...(o.daily !== undefined ? { daily: o.daily as DailyRow[] } : {}),
    ...optional('lifeDays', numbers(o, 'lifeDays')),
    ...optional('unlockLatencyMs', numbers(o, 'unlockLatencyMs')),
    ...optional('handshakeLatencyMs', numbers(o, 'handshakeLatencyMs')),
    ...work(o),
  };
}

/** The work forecast: both fields or neither. */
function work(o: Record<string, unknown>): Pick<LiveSnapshot, 'workDone' | 'workLeft'> {
  if (o.workDone === undefined && o.workLeft === undefined) return {};
  return { workDone: numberField(o, 'workDone'), workLeft: numberField(o, 'workLeft') };
}

function optional<K extends string>(k: K, v: number[] | undefined): Partial<Record<K, number[]>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, number[]>);
}

/** One point of a live run's progress, as the board received it (for rates and an ETA). */
export interface LiveProgressPoint {
  wallMs: number;
  simDay: number;
  events: number;
  /** The fleet's work done (LiveSnapshot.workDone), when the run reports it. */
  work?: number;
}

/** Points kept per run; when full, every other one is dropped, so the whole run stays covered. */
export const MAX_HISTORY = 512;

/** The latest snapshot of each live run, newest first, with the progress points seen so far. */
export class LiveBoard {
  #runs = new Map<string, { snapshot: LiveSnapshot; seq: number; history: LiveProgressPoint[] }>();
  #seq = 0;

  put(snapshot: LiveSnapshot): void {
    const prev = this.#runs.get(snapshot.runId);
    // A restarted run (its wall clock went back) starts a new history.
    let history = prev && snapshot.wallMs >= prev.snapshot.wallMs ? prev.history : [];
    history.push({ wallMs: snapshot.wallMs, simDay: snapshot.simDay, events: snapshot.events, ...(snapshot.workDone !== undefined ? { work: snapshot.workDone } : {}) });
    if (history.length > MAX_HISTORY) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
    this.#runs.set(snapshot.runId, { snapshot, seq: ++this.#seq, history });
  }

  get(runId: string): LiveSnapshot | undefined {
    return this.#runs.get(runId)?.snapshot;
  }

  history(runId: string): LiveProgressPoint[] {
    return this.#runs.get(runId)?.history ?? [];
  }

  list(): LiveSnapshot[] {
    return [...this.#runs.values()].sort((a, b) => b.seq - a.seq).map((r) => r.snapshot);
  }
}
