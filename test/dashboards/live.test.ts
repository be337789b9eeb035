import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLivePublisher, parseLiveSnapshot, startDashboard, type Dashboard, type LiveSnapshot } from '../../dashboards/index.ts';

const base: LiveSnapshot = { runId: 'r1', scenario: 's', devices: 10, durationDays: 30, simDay: 3, events: 100, eventsPerSecond: 1e6, wallMs: 10, state: 'running' };

describe('parseLiveSnapshot()', () => {
  it('accepts a valid snapshot unchanged', () => {
    expect(parseLiveSnapshot({ ...base, lifeDays: [300, 400] })).toEqual({ ...base, lifeDays: [300, 400] });
  });
  it('names the bad field, what was expected and what came', () => {
    expect(() => parseLiveSnapshot({ ...base, state: 'paused' })).toThrow("live snapshot: field 'state' must be one of running, done, failed, got 'paused'");
    expect(() => parseLiveSnapshot({ ...base, devices: 0 })).toThrow("field 'devices' must be a finite number ≥ 1, got 0");
    expect(() => parseLiveSnapshot({ ...base, unlockLatencyMs: [1, 'x'] })).toThrow("field 'unlockLatencyMs[1]' must be a finite number, got 'x'");
    expect(() => parseLiveSnapshot({ ...base, daily: [{ day: 0 }] })).toThrow("field 'daily[0].socP5' must be a number");
    expect(parseLiveSnapshot({ ...base, workDone: 10, workLeft: 90 })).toEqual({ ...base, workDone: 10, workLeft: 90 });
    expect(() => parseLiveSnapshot({ ...base, workDone: 10 })).toThrow("field 'workLeft' must be a finite number ≥ 0, got undefined");
    expect(() => parseLiveSnapshot([])).toThrow("field '(body)' must be a JSON object");
  });
});

describe('createLivePublisher() → dashboard /api/live', () => {
  let dash: Dashboard;
  // The store is an I/O edge the live path never reads: an empty in-memory one.
  beforeAll(async () => {
    dash = await startDashboard({ store: { location: 'memory', listRuns: async () => [], getRun: async () => null, listSweeps: async () => [], getSweep: async () => null } });
  });
  afterAll(() => dash.close());

  it('throttles running snapshots, always delivers the final one', async () => {
    const pub = createLivePublisher(dash.url, { minIntervalMs: 60_000 });
    for (let d = 0; d < 10; d++) pub.publish({ ...base, simDay: d });
    pub.publish({ ...base, simDay: 30, state: 'done' });
    const report = await pub.close();
    expect(report).toEqual({ sent: 2, failed: 0, lastError: null });
    expect(dash.live.get('r1')).toMatchObject({ simDay: 30, state: 'done' });
  });

  it('counts rejected snapshots with the server message instead of throwing', async () => {
    const pub = createLivePublisher(dash.url);
    pub.publish({ ...base, simDay: 99, state: 'done' });
    const report = await pub.close();
    expect(report.failed).toBe(1);
    expect(report.lastError).toContain("field 'simDay' must be at most durationDays (30)");
  });

  it('an unreachable dashboard is counted, not thrown', async () => {
    const pub = createLivePublisher('http://127.0.0.1:9/');
    pub.publish({ ...base, state: 'done', simDay: 30 });
    expect((await pub.close()).failed).toBe(1);
  });
});
