import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, fmtDuration, fmtRate } from '../../cli/progress.ts';

/** A non-TTY stream that keeps what is written. */
function plainStream(): NodeJS.WriteStream & { text: string } {
  const s = { isTTY: false, text: '', write: (chunk: string) => ((s.text += chunk), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

afterEach(() => vi.restoreAllMocks());

describe('progress lines', () => {
  it('a slow rate is stated per minute or per hour, not rounded to 0.0 per second', () => {
    expect(fmtRate(3.06e6, 'ev')).toBe('3.06M ev/s');
    expect(fmtRate(2.5, 'sim-days')).toBe('2.5 sim-days/s');
    expect(fmtRate(0.05, 'sim-days')).toBe('3.0 sim-days/min');
    expect(fmtRate(0.8 / 90, 'sim-days')).toBe('32.0 sim-days/h');
    expect(fmtRate(0.001, 'sim-days')).toBe('3.6 sim-days/h');
    expect(fmtRate(0, 'sim-days')).toBe('0.0 sim-days/s');
  });

  it('a plain line gives the share done, the count, the rate and the ETA that rate implies', () => {
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const stream = plainStream();
    const p = createProgress({ unit: 'sim-days', total: 7, label: 'office-fleet', stream, plainEveryS: 0 });
    now += 90_000;
    p.update(0.8, '4.56M ev/s');
    // 0.8 sim-days in 90 s: 32 an hour, so the other 6.2 take 697.5 s.
    expect(stream.text).toBe(`office-fleet  11.4%  0.8/7.0 sim-days  32.0 sim-days/h  ETA ${fmtDuration(697.5)}  4.56M ev/s\n`);
    expect(fmtDuration(697.5)).toBe('11m37s');
  });

  it('a resumed run counts only the units done since it resumed in its rate', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const stream = plainStream();
    const p = createProgress({ unit: 'sim-days', total: 30, stream, plainEveryS: 0, from: 20 });
    now += 5_000;
    p.update(25);
    expect(stream.text).toBe(' 83.3%  25.0/30.0 sim-days  1.0 sim-days/s  ETA 5s\n');
  });

  it('the rate and ETA follow the last 30 s, so a run that speeds up (keychains dying) is not promised late', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const stream = plainStream();
    const p = createProgress({ unit: 'sim-days', total: 365, stream, plainEveryS: 0 });
    // 100 days in the first 100 s, then 4 days a second.
    for (let s = 10; s <= 100; s += 10) {
      now = s * 1000;
      p.update(s);
    }
    for (let s = 110; s <= 140; s += 10) {
      now = s * 1000;
      p.update(100 + 4 * (s - 100));
    }
    const last = stream.text.trim().split('\n').at(-1)!;
    // 260 done; over the last 30 s, 120 days: 4 a second, so 26 s to go (the whole-run average, 260 in 140 s, would say 57 s).
    expect(last).toBe(' 71.2%  260/365 sim-days  4.0 sim-days/s  ETA 26s');
    p.finish();
    expect(stream.text.trim().split('\n').at(-1)).toBe('100.0%  365/365 sim-days  2.6 sim-days/s  ETA 0s');
  });

  it('with the work behind the units, the ETA is the work left at the recent rate of work done', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const stream = plainStream();
    const p = createProgress({ unit: 'sim-days', total: 365, stream, plainEveryS: 0 });
    now = 10_000;
    // The first line has no earlier work to measure a rate from: the ETA is the simulated days'.
    p.update(10, undefined, { done: 100_000, left: 1_000_000 });
    expect(stream.text.trimEnd().split('\n').at(-1)).toBe('  2.7%  10.0/365 sim-days  1.0 sim-days/s  ETA 5m55s');
    now = 20_000;
    // 100,000 keychain-days in 10 s: 10,000 a second, so the 900,000 left take 90 s.
    p.update(20, undefined, { done: 200_000, left: 900_000 });
    expect(stream.text.trimEnd().split('\n').at(-1)).toBe('  5.5%  20.0/365 sim-days  1.0 sim-days/s  ETA 1m30s');
  });
});
