/**
 * The publishing side of the live contract, for the CLI that drives a simulation: hand it every
 * snapshot you like; it POSTs at most one per `minIntervalMs` (always the newest, and always the
 * final one), never blocks or throws into the simulation, and counts what failed.
 * @module
 */
import type { LiveSnapshot } from './live.ts';

export interface LivePublisher {
  publish(snapshot: LiveSnapshot): void;
  /** Sends the last pending snapshot and waits for in-flight posts. */
  close(): Promise<{ sent: number; failed: number; lastError: string | null }>;
}

export function createLivePublisher(dashboardUrl: string, options: { minIntervalMs?: number } = {}): LivePublisher {
  const url = new URL('/api/live', dashboardUrl).toString();
  const every = options.minIntervalMs ?? 1000;
  let last = -Infinity;
  let pending: LiveSnapshot | null = null;
  let inflight: Promise<void> = Promise.resolve();
  let sent = 0;
  let failed = 0;
  let lastError: string | null = null;
  const send = (s: LiveSnapshot) => {
    last = performance.now();
    inflight = inflight.then(async () => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(s) });
        if (res.ok) sent++;
        else {
          failed++;
          lastError = `${res.status} ${await res.text()}`;
        }
      } catch (err) {
        failed++;
        lastError = (err as Error).message;
      }
    });
  };
  return {
    publish(snapshot) {
      if (snapshot.state !== 'running' || performance.now() - last >= every) {
        pending = null;
        send(snapshot);
      } else pending = snapshot;
    },
    async close() {
      if (pending) send(pending);
      pending = null;
      await inflight;
      return { sent, failed, lastError };
    },
  };
}
