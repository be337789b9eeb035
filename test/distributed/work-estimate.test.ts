import { describe, expect, it } from 'vitest';
import { WorkEstimate } from '../../distributed/work-estimate.ts';
import { decodeNote, encodeNote } from '../../distributed/progress-note.ts';

describe('a distributed run\'s work for the ETA', () => {
  // Three partitions of 100, 100 and 200 keychains.
  const bounds = [0, 100, 200, 400];

  it('is unknown until a worker forecasts; a partition not started costs what a started one does per keychain', () => {
    const w = new WorkEstimate(bounds);
    const none = () => false;
    expect(w.total(none)).toBeUndefined();
    // Partition 0: 300 keychain-days done, 700 left: 10 a keychain in all.
    w.note(0, { done: 300, left: 700 });
    expect(w.total(none)).toEqual({ done: 300, left: 700 + 100 * 10 + 200 * 10 });
    // Partition 1 projects more (5 done, 15 left a keychain): the unstarted one takes the mean of both, 15 a keychain.
    w.note(1, { done: 500, left: 1500 });
    expect(w.total(none)).toEqual({ done: 800, left: 700 + 1500 + 200 * 15 });
  });

  it('a merged partition counts its last forecast\'s total as done; one merged before this coordinator counts nothing', () => {
    const w = new WorkEstimate(bounds);
    w.note(0, { done: 990, left: 10 });
    w.note(2, { done: 400, left: 1600 });
    // 0 merged after its last note; 1 merged before this coordinator started (no note).
    const merged = (p: number) => p <= 1;
    expect(w.total(merged)).toEqual({ done: 1000 + 400, left: 1600 });
  });

  it('a note whose forecast is not two finite numbers keeps its progress and loses the forecast', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ kind: 'progress', partition: 1, worker: 'h:1', delivery: 1, simMs: 5, events: 7, work: { done: 'x', left: 1 } }));
    expect(decodeNote(bytes)).toEqual({ kind: 'progress', partition: 1, worker: 'h:1', delivery: 1, simMs: 5, events: 7 });
    const good = { kind: 'progress' as const, partition: 1, worker: 'h:1', delivery: 1, simMs: 5, events: 7, work: { done: 2, left: 3 } };
    expect(decodeNote(encodeNote(good))).toEqual(good);
  });
});
