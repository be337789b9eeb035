/**
 * What workers tell a coordinator while they work, on plain NATS (progressSubject): a partition's
 * simulated time and events so far and its work forecast (for the ETA; absent from older
 * workers), or a refusal (other code version). Losing one costs a stale
 * progress line; results themselves go through JetStream. A refusal is sent as a request, which
 * the run's coordinator answers: that is how a worker tells a live run from an abandoned one
 * (other-code.ts).
 * @module
 */
export type ProgressNote =
  | { kind: 'progress'; partition: number; worker: string; delivery: number; simMs: number; events: number; work?: WorkForecast }
  | { kind: 'refused'; partition: number; worker: string; reason: string };

import type { WorkForecast } from '../sim/twin/partition-forecast.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const encodeNote = (n: ProgressNote): Uint8Array => enc.encode(JSON.stringify(n));

/** Null for anything that is not a note (a stray publish must not stop a run). */
export function decodeNote(bytes: Uint8Array): ProgressNote | null {
  try {
    const n = JSON.parse(dec.decode(bytes)) as ProgressNote;
    if ((n.kind === 'progress' || n.kind === 'refused') && Number.isInteger(n.partition) && typeof n.worker === 'string') {
      // A forecast that is not two finite numbers is dropped, not the note: it only sets an ETA.
      if (n.kind === 'progress' && n.work !== undefined && !(Number.isFinite(n.work?.done) && Number.isFinite(n.work?.left))) delete n.work;
      return n;
    }
  } catch {
    // not JSON
  }
  return null;
}
