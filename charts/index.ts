/**
 * charts/: pure chart functions (rows in, Plot options out) shared by reports/ (SVG in Node),
 * dashboards/ (in the browser) and notebooks/; the RunView they read; and the chart catalogue:
 * every chart of one run, and of a comparison of two, in report order.
 * @module
 */
import type { RunView } from './run-view.ts';
import type { ChartSpec } from './chart-spec.ts';
import { batteryLifeEcdf, batteryLifeHistogram } from './battery-life.ts';
import { cloudLoad } from './cloud-load.ts';
import { compareBatteryLife, compareMetrics } from './compare.ts';
import { energyByState, handshakePhases } from './energy.ts';
import { failuresOverTime } from './failures.ts';
import { handshakeSequence } from './handshake-sequence.ts';
import { latencyDistributions } from './latency.ts';
import { socOverTime } from './soc-over-time.ts';

export { batteryLifeEcdf, batteryLifeHistogram, cloudLoad, compareBatteryLife, compareMetrics, energyByState, failuresOverTime, handshakePhases, handshakeSequence, latencyDistributions, socOverTime };
export { NO_CLOUD_MESSAGE } from './cloud-load.ts';
export { comparisonMetrics, runLabels, type Metric } from './compare.ts';
export { FRAME, type Cell, type ChartSpec, type ChartTable } from './chart-spec.ts';
export { runView, orderSample, type RunView, type RunViewOptions, type HandshakeMessage, type HandshakeTraceItem, type CloudLoadRow } from './run-view.ts';
export { liveCharts } from './live.ts';
export { sweepIntervals, pairedDifferenceChart, keychainLifeDifferenceChart, tornadoChart, morrisChart, type PointIntervalRow, type DifferenceRow, type TornadoChartRow, type MorrisChartRow } from './sweep.ts';
export { num, percent, percentClaim, round, sig } from './format.ts';
export { shareAxes, shareAxesAll, type ScalesOf } from './share-axes.ts';
export { changeRows, changeText, type ChangeRow } from './compare.ts';
export { cloudHourly, cloudHourlyCharts, rolloutMarks, rolloutSentence, CLOUD_MEASURES, type CloudDetail, type CloudMeasure, type RolloutMark } from './cloud-hourly.ts';
export { sweepOverview, sweepOverviewRows, type SweepOverviewRow } from './sweep-overview.ts';
export { sweepView, SweepDocumentError, type SweepView, type SweepMetric, type SweepIntervalRow, type SweepDifferenceRow, type StoredSweep } from './sweep-view.ts';

/** Every chart of one run, in the order the report and the dashboard show them. */
export function runCharts(view: RunView): ChartSpec[] {
  const s = view.summary;
  const deviceDays = view.daily.reduce((a, d) => a + d.alive, 0);
  const battery = { lifeDays: view.lifeDays, battery: s.battery, devices: s.devices, durationDays: view.manifest.durationDays, ...(view.lifeSplit ? { split: view.lifeSplit } : {}) };
  return [
    batteryLifeHistogram(battery),
    batteryLifeEcdf(battery),
    socOverTime({ daily: view.daily, samples: view.socSamples }),
    energyByState({ daily: view.daily, perDeviceDay: s.energyMjPerDayByState, devices: s.devices }),
    handshakePhases({ handshake: s.handshake, handshakesPerDeviceDay: deviceDays > 0 ? s.handshake.started / deviceDays : 0 }),
    latencyDistributions({ unlockMs: view.latencyMs.unlock, handshakeMs: view.latencyMs.handshake, unlock: s.unlocks.latencyMs, handshake: s.handshake.timeMs }),
    handshakeSequence(view.handshake ? { ...view.handshake, timeMsByPhase: s.handshake.meanTimeMsByPhase, ...(s.handshake.steps ? { steps: s.handshake.steps } : {}) } : null),
    failuresOverTime({ daily: view.daily, outcomes: s.unlocks.outcomes, intents: s.unlocks.intents }),
    cloudLoad(view.cloud),
  ];
}

/** The comparison charts of two runs (A is the reference). */
export function compareCharts(a: RunView, b: RunView): ChartSpec[] {
  return [compareMetrics(a, b), compareBatteryLife(a, b)];
}
