import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import {
  batteryLifeEcdf, batteryLifeHistogram, cloudLoad, compareCharts, failuresOverTime, handshakePhases, handshakeSequence,
  latencyDistributions, NO_CLOUD_MESSAGE, runCharts, runView, sig, socOverTime,
} from '../../charts/index.ts';
import { renderSvg } from '../../reports/render-svg.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';
import { fixtureMessages } from '../reports/messages.helpers.ts';
import { compareSnapshot } from './snapshot.helpers.ts';

const view = runView(fixtureRun(), { handshakeMessages: () => fixtureMessages() });
const viewB = runView(fixtureRun({ suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 }), { handshakeMessages: () => fixtureMessages() });

function svgDoc(svg: string) {
  return parseHTML(`<html><body>${svg}</body></html>`).document;
}

describe('chart snapshots (fixture: 36 keychains × 14 days)', () => {
  for (const spec of [...runCharts(view), ...compareCharts(view, viewB)]) {
    if (!spec.plot) continue;
    it(`${spec.id}() matches test/output/${spec.id}.svg`, () => {
      const svg = renderSvg(spec)!;
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(compareSnapshot(spec.id, svg)).toBeNull();
    });
  }
});

describe('chart findings are computed from the data', () => {
  const s = view.summary;
  it('batteryLifeHistogram() titles the median and p5, marks p5/p50/p95', () => {
    const spec = batteryLifeHistogram({ lifeDays: view.lifeDays, battery: s.battery, devices: s.devices });
    const l = s.battery.lifeDays;
    expect(spec.title).toBe(
      `Median time to brown-out ${Math.round(l.p50.value)} days (95 % CI ${Math.round(l.p50.lo)}–${Math.round(l.p50.hi)}; ${s.battery.depleted} observed, ${s.battery.censored} projected); 5 % of keychains last under ${Math.round(l.p5.value)}`,
    );
    const doc = svgDoc(renderSvg(spec)!);
    const texts = Array.from(doc.querySelectorAll('text')).map((t) => t.textContent);
    for (const q of ['p5', 'p50', 'p95'] as const) expect(texts).toContain(`${q} ${Math.round(s.battery.lifeDays[q].value)} d`);
    // 30 thresholds over a 36-device fleet: every keychain lands in exactly one bar.
    const bars = doc.querySelectorAll('g[aria-label="rect"] rect');
    expect(bars.length).toBeGreaterThan(5);
    expect(spec.table.rows.map((r) => r[0])).toEqual(['p5', 'p50', 'p95', 'mean']);
  });

  it('batteryLifeEcdf() reaches 100 % and states the share under a year', () => {
    const spec = batteryLifeEcdf({ lifeDays: view.lifeDays, battery: s.battery, devices: s.devices });
    const under = view.lifeDays.filter((d) => d < 365).length / view.lifeDays.length;
    expect(spec.title.startsWith(`${(under * 100).toFixed(0)} % of keychains need a charge within a year`)).toBe(true);
  });

  it('socOverTime() marks each traced brown-out once', () => {
    const spec = socOverTime({ daily: view.daily, samples: view.socSamples });
    const outs = new Set(view.socSamples.filter((x) => x.brownout).map((x) => x.device));
    expect(outs.size).toBeGreaterThan(0);
    expect(spec.title).toContain(`${outs.size} of 8 traced keychains browned out`);
    const doc = svgDoc(renderSvg(spec)!);
    // Red "#device" labels, one per ✕ (stacked in rows where they would overlap).
    const labels = Array.from(doc.querySelectorAll('g[fill="#d62728"] text')).map((t) => t.textContent ?? '');
    expect(labels.sort()).toEqual([...outs].map((d) => `#${d}`).sort());
  });

  it('handshakePhases() sums the phases of the summary', () => {
    const spec = handshakePhases({ handshake: s.handshake, handshakesPerDeviceDay: 10 });
    expect(spec.title).toBe('A handshake takes 221 ms and 18.5 mJ; radio is 49 % of its energy');
    expect(spec.table.rows[0]).toEqual(['radio', 120, 9.1, 91, '49.2 %']);
  });

  it('the run\'s handshake-phases chart states handshakes per alive keychain-day: those started over the keychain-days alive', () => {
    const spec = runCharts(view).find((c) => c.id === 'handshake-phases')!;
    const alive = view.daily.reduce((a, d) => a + d.alive, 0);
    expect(alive).toBeLessThan(s.devices * s.durationDays);
    expect(spec.subtitle).toContain(`; ${sig(s.handshake.started / alive)} handshakes per alive keychain per day make `);
  });

  it('handshakePhases() says when the handshakes were drawn from a table, with its error', () => {
    expect(handshakePhases({ handshake: s.handshake, handshakesPerDeviceDay: 10 }).subtitle).not.toContain('table');
    const table = { ...s.handshake, table: { rows: 1024, chargeSePctMean: 0.87, chargeSePctMax: 1.01 } };
    expect(handshakePhases({ handshake: table, handshakesPerDeviceDay: 10 }).subtitle).toContain('Handshakes drawn from a table of 1024 per suite and link, not run per operation (its error on the mean charge ±0.870 %).');
  });

  it('latencyDistributions() titles the fleet p50/p95 and draws both facets', () => {
    const spec = latencyDistributions({ unlockMs: view.latencyMs.unlock, handshakeMs: view.latencyMs.handshake, unlock: s.unlocks.latencyMs, handshake: s.handshake.timeMs });
    expect(spec.title).toContain(`Unlocks take ${Math.round(s.unlocks.latencyMs.p50)} ms at the median and ${Math.round(s.unlocks.latencyMs.p95)} ms at p95`);
    const texts = Array.from(svgDoc(renderSvg(spec)!).querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).toContain(`p99 ${Math.round(s.handshake.timeMs.p99)} ms`);
  });

  it('handshakeSequence() labels each message with its size and fragments', () => {
    const spec = handshakeSequence({ suite: 'mlkem768-mldsa44-hybrid-aesgcm', messages: fixtureMessages(), timeMsByPhase: s.handshake.meanTimeMsByPhase });
    expect(spec.title).toBe('mlkem768-mldsa44-hybrid-aesgcm: 5 messages, 3,918 B in 19 BLE fragments; the largest is ServerHello (2,553 B)');
    const texts = Array.from(svgDoc(renderSvg(spec)!).querySelectorAll('text')).map((t) => t.textContent ?? '');
    expect(texts.some((t) => t.startsWith('ServerHello · 2,553 B · 11 fragments'))).toBe(true);
    // Radio time is split by fragments: ServerHello carries 11 of 19.
    expect(spec.table.rows.find((r) => String(r[1]).startsWith('ServerHello'))![6]).toBeCloseTo((120 * 11) / 19, 1);
  });

  it('failuresOverTime() counts every intent: names the top outcome not unlocked and its share', () => {
    const spec = failuresOverTime({ daily: view.daily, outcomes: { unlocked: 396, a: 3, b: 1 }, intents: 400 });
    expect(spec.title).toBe("Outcomes of 400 unlock intents: 4 not unlocked (1.0 %); most 'a' (75 %)");
    const all = failuresOverTime({ daily: view.daily, outcomes: { unlocked: 400 }, intents: 400 });
    expect(all.plot).toBeNull();
    expect(all.title).toBe('Outcomes of 400 unlock intents: all unlocked');
    // Intents unserved without any named failure (the phone away) are never 'no failures'.
    const away = failuresOverTime({ daily: view.daily, outcomes: { unlocked: 300, phoneNotInRange: 100 }, intents: 400 });
    expect(away.title).not.toMatch(/no failures/i);
    expect(away.title).toContain('100 not unlocked');
  });

  it('cloudLoad(null) says the run has no cloud data instead of drawing', () => {
    const spec = cloudLoad(null);
    expect(spec.plot).toBeNull();
    expect(spec.empty).toBe(NO_CLOUD_MESSAGE);
    const rows = [{ day: 0, station: 'telemetry', requests: 1200, utilisation: 0.41 }, { day: 1, station: 'telemetry', requests: 1500, utilisation: 0.52 }];
    expect(cloudLoad(rows).title).toBe('Busiest cloud station: telemetry at 52 % utilisation on day 2');
  });

  it('chart functions are pure: the same rows give the same SVG', () => {
    const a = runCharts(view).map(renderSvg);
    const b = runCharts(runView(fixtureRun(), { handshakeMessages: () => fixtureMessages() })).map(renderSvg);
    expect(a).toEqual(b);
  });

  it('compareCharts() reports the change of B against A', () => {
    const [metrics] = compareCharts(view, viewB);
    const a = view.summary.battery.lifeDays.p50.value;
    const b = viewB.summary.battery.lifeDays.p50.value;
    const pct = (((b - a) / a) * 100).toFixed(1).replace('-', '−');
    expect(metrics!.title).toContain(`median battery life ${b >= a ? '+' : ''}${pct} % (95 % CI `);
    expect(metrics!.title.startsWith('mlkem1024-mldsa87-hybrid-aesgcm vs mlkem768-mldsa44-hybrid-aesgcm')).toBe(true);
  });
});
