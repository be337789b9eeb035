/**
 * The cloud view's charts on rows from the real cloud model (sim/cloud simulateCloud with an OTA
 * rollout played by the models/cloud statechart): the titles name the hour and station the rows
 * peak at, the waves and the halt sit at the plan's hours, and p99 leaves out hours with no request.
 */
import { describe, expect, it } from 'vitest';
import { cloudHourly, cloudHourlyCharts, rolloutMarks, rolloutSentence } from '../../charts/index.ts';
import { simulateCloud, type CloudConfig } from '../../sim/cloud/index.ts';
import { renderSvg } from '../../reports/index.ts';
import { constantActivity, idleConfig, station } from '../sim/cloud/helpers.ts';

function otaRun(deviceFailureRate: number) {
  const cfg: CloudConfig = idleConfig(20_000);
  cfg.stations.ota = station(2, 40);
  cfg.demand.otaChecksPerDevicePerDay = 1;
  cfg.ota = {
    atHour: 3, waves: [0.01, 0.09, 0.3, 0.6], waveIntervalHours: 4, herdMinutes: 20,
    downloadMs: { dist: 'lognormal', median: 300, sigma: 0.3 }, deviceFailureRate, haltRate: 0.02, waveDeadlineHours: 24,
  };
  const r = simulateCloud(constantActivity(24 * 60, { unlocks: 20 }), cfg, 5);
  return { hourly: r.hourly, rollout: r.summary.rollout };
}

describe('cloud view charts, on the cloud model', () => {
  const complete = otaRun(0.001);
  const halted = otaRun(0.2);

  it('the rollout plays as configured: four waves to completion, or a halt after the canary', () => {
    expect(complete.rollout!.waves.map((w) => w.startMs / 3_600_000)).toEqual([3, 7, 11, 15]);
    expect(complete.rollout!.haltedAtMs).toBeNull();
    expect(halted.rollout!.state).toBe('halted');
    expect(halted.rollout!.waves).toHaveLength(1);
  });

  it('marks every wave at its start hour and the halt at its hour', () => {
    expect(rolloutMarks(complete.rollout)).toEqual([
      { hour: 3, label: 'canary (200)', kind: 'wave' }, { hour: 7, label: 'wave 1 (1,800)', kind: 'wave' },
      { hour: 11, label: 'wave 2 (6,000)', kind: 'wave' }, { hour: 15, label: 'wave 3 (12,000)', kind: 'wave' },
    ]);
    const marks = rolloutMarks(halted.rollout);
    expect(marks.at(-1)).toEqual({ hour: halted.rollout!.haltedAtMs! / 3_600_000, label: 'halted: too many failed updates', kind: 'halt' });
    expect(rolloutSentence(halted.rollout)).toMatch(/^OTA rollout: 1 wave started \(200 keychains, \d+ failed updates\), halted at hour 7 \(too many failed updates\)/);
    const svg = renderSvg(cloudHourly(halted, 'queue'))!;
    expect(svg).toContain('halted: too many failed updates');
    expect(svg).toContain('canary (200)');
  });

  it('each title names the station and hour where its rows peak', () => {
    for (const [measure, value] of [['utilisation', (r: (typeof complete.hourly)[0]) => r.utilisation], ['queue', (r: (typeof complete.hourly)[0]) => r.meanQueue], ['p99', (r: (typeof complete.hourly)[0]) => r.p99Ms]] as const) {
      const rows = complete.hourly.filter((r) => measure !== 'p99' || r.served > 0);
      const top = rows.reduce((a, r) => (value(r) > value(a) ? r : a));
      const spec = cloudHourly(complete, measure);
      expect(spec.title).toContain(`: ${top.station} at `);
      expect(spec.title).toContain(`in hour ${top.hour} (day ${Math.floor(top.hour / 24) + 1}, ${String(top.hour % 24).padStart(2, '0')}:00)`);
      expect(spec.table.rows).toHaveLength(rows.length);
    }
    // The herd of the largest wave is what loads the OTA station most.
    expect(cloudHourly(complete, 'utilisation').title).toMatch(/^Highest hourly utilisation: ota at \d+ % in hour 15 /);
  });

  it('p99 leaves out the hours in which no request started service (p99 0 there means none, not fast)', () => {
    const idle = complete.hourly.filter((r) => r.served === 0);
    expect(idle.length).toBeGreaterThan(0);
    const spec = cloudHourly(complete, 'p99');
    expect(spec.table.rows).toHaveLength(complete.hourly.length - idle.length);
  });

  it('every station is named: on its line, or in the subtitle when its line stays at the bottom', () => {
    for (const measure of ['utilisation', 'queue', 'p99'] as const) {
      const spec = cloudHourly(complete, measure);
      const svg = renderSvg(spec)!;
      const labels = [...svg.matchAll(/<tspan[^>]*>([a-z]+)<\/tspan>|<text[^>]*>([a-z]+)<\/text>/g)].map((m) => m[1] ?? m[2]);
      for (const st of new Set(complete.hourly.map((r) => r.station))) {
        const inSubtitle = new RegExp(`(At 0 throughout|Below 5 % of the peak throughout|No hour with a value)[^.]*\\b${st}\\b`).test(spec.subtitle);
        expect(labels.includes(st) !== inSubtitle, `${measure}: ${st} labelled once, either on the chart or in the subtitle`).toBe(true);
      }
    }
  });

  it('a run without a cloud model gets three charts that say so', () => {
    const specs = cloudHourlyCharts(null);
    expect(specs.map((s) => s.id)).toEqual(['cloud-hourly-utilisation', 'cloud-hourly-queue', 'cloud-hourly-p99']);
    expect(specs.every((s) => s.plot === null && s.empty!.includes('did not model the cloud'))).toBe(true);
  });
});
