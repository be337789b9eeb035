/**
 * Where the energy goes: per device-day by power state over the run, and per handshake by phase
 * (radio / crypto / secure element / other), both as shares with the absolute figures labelled.
 * @module
 */
import * as Plot from '@observablehq/plot';
import { POWER_MODES } from '../firmware/profiles/index.ts';
import type { DailyRow, RunSummary } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { stackLabels } from './stack-labels.ts';
import { label, num, percent, percentClaim, round, sig } from './format.ts';

const PHASES = ['radio', 'crypto', 'secureElement', 'other'] as const;

function order(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
function rank(k: string): number {
  const i = (POWER_MODES as readonly string[]).indexOf(k);
  return i < 0 ? POWER_MODES.length : i;
}

export interface EnergyByStateInput {
  daily: readonly DailyRow[];
  /** Mean mJ per device per day by state, from the summary: over every keychain-day of the run, alive or not. */
  perDeviceDay: Record<string, number>;
  /** Keychains in the fleet. */
  devices: number;
}

/**
 * DailyRow.energyMjByState is the fleet total for the day, browned-out keychains' 'off' draw
 * included; divided by the fleet's keychains, each bar is the mean per keychain, comparable across
 * fleet sizes, and the bars' mean is the title's figure (the summary's, over the same population).
 * Divided by the keychains alive, a year's last days showed the dead keychains' draw as millions
 * of mJ per survivor.
 */
export function energyByState(input: EnergyByStateInput): ChartSpec {
  const id = 'energy-by-state';
  const states = order([...Object.keys(input.perDeviceDay), ...input.daily.flatMap((d) => Object.keys(d.energyMjByState))]);
  const total = states.reduce((a, s) => a + (input.perDeviceDay[s] ?? 0), 0);
  if (states.length === 0 || !(total > 0)) {
    const why = 'The run reported no energy by power state.';
    return { id, title: 'No energy data', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
  }
  const top = states.reduce((a, s) => ((input.perDeviceDay[s] ?? 0) > (input.perDeviceDay[a] ?? 0) ? s : a));
  // Each row spans its whole simulated day [day, day + 1): bars, not a step curve, whose first
  // and last steps Plot centres on the data points and so draws half as wide as the others.
  const rows = input.daily.flatMap((d) =>
    states.map((s) => ({ day: d.day, end: d.day + 1, state: label(s), mj: input.devices > 0 ? (d.energyMjByState[s] ?? 0) / input.devices : 0 })),
  );
  const share = (input.perDeviceDay[top] ?? 0) / total;
  const labels = stackLabels(rows, states.map(label));
  return {
    id,
    // Once keychains brown out the mean is no longer a live keychain's day: the title says so.
    title: `${label(top)[0]!.toUpperCase()}${label(top).slice(1)} takes ${percentClaim(share, 0)} of a keychain's ${num(total)} mJ a day${(input.perDeviceDay.off ?? 0) > 0 ? ' (mean over the run, browned-out keychains included)' : ''}`,
    subtitle: `Mean energy per keychain of the fleet per simulated day, stacked by power state (mJ); a browned-out keychain counts, drawing its 'off' current until its cell is empty; title: run means (${num(input.daily.length)} days).`,
    plot: {
      ...FRAME,
      x: { label: 'Simulated day →' },
      y: { label: '↑ Energy per keychain (mJ/day)', grid: true },
      color: { domain: states.map(label), scheme: 'tableau10' },
      marks: [
        Plot.rectY(rows, { x1: 'day', x2: 'end', y: 'mj', fill: 'state', order: states.map(label), inset: 0.5 }),
        Plot.text(labels, { x: 'x', y: 'y', text: 'state', textAnchor: 'start', dx: 4, fill: 'state' }),
        Plot.ruleY([0]),
      ],
    },
    table: {
      columns: ['power state', 'mJ per keychain per day', 'share'],
      rows: states.map((s) => [label(s), round(input.perDeviceDay[s] ?? 0, 1), `${round(((input.perDeviceDay[s] ?? 0) / total) * 100, 1)} %`]),
    },
  };
}

export interface HandshakePhasesInput {
  handshake: RunSummary['handshake'];
  /** Handshakes per alive keychain per day (handshakes started / keychain-days alive at day end). */
  handshakesPerDeviceDay: number;
}

interface Row { metric: string; phase: string; share: number; value: number; unit: string }

/** Left margin of the phases chart: room for its longest metric, "energy per alive keychain-day (…)". */
const PHASES_LEFT = 250;
const PHASES_RIGHT = 20;
/** Width of the phases chart's bars, px. */
const PHASES_BAR_PX = FRAME.width - PHASES_LEFT - PHASES_RIGHT;

/** Whether `text` fits in a segment of `share` of a bar (≈ 6.3 px per character at 10–11 px). */
function fits(share: number, text: string): boolean {
  return share * PHASES_BAR_PX >= text.length * 6.3 + 6;
}

/** A table run says so: its handshakes were drawn, not run per operation, with the table's own error. */
function tableNote(table: { rows: number; chargeSePctMean: number } | undefined): string {
  return table ? ` Handshakes drawn from a table of ${table.rows} per suite and link, not run per operation (its error on the mean charge ±${sig(table.chargeSePctMean)} %).` : '';
}

export function handshakePhases(input: HandshakePhasesInput): ChartSpec {
  const id = 'handshake-phases';
  const e = input.handshake.meanEnergyMjByPhase;
  const t = input.handshake.meanTimeMsByPhase;
  const eTotal = PHASES.reduce((a, p) => a + e[p], 0);
  const tTotal = PHASES.reduce((a, p) => a + t[p], 0);
  if (!(input.handshake.completed > 0) || !(eTotal > 0)) {
    const why = 'No handshake completed in this run.';
    return { id, title: 'No handshakes', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
  }
  const perDay = input.handshakesPerDeviceDay;
  const metrics = [
    { key: 'time per handshake', unit: 'ms', of: t, total: tTotal },
    { key: 'energy per handshake', unit: 'mJ', of: e, total: eTotal },
    { key: 'energy per alive keychain-day', unit: 'mJ', of: Object.fromEntries(PHASES.map((p) => [p, e[p] * perDay])) as Record<string, number>, total: eTotal * perDay },
  ];
  const rows = metrics.flatMap((m) =>
    PHASES.map((p) => ({ metric: `${m.key} (${sig(m.total)} ${m.unit})`, phase: label(p), share: m.of[p]! / m.total, value: m.of[p]!, unit: m.unit })),
  );
  const topE = PHASES.reduce((a, p) => (e[p] > e[a] ? p : a));
  return {
    id,
    title: `A handshake takes ${sig(tTotal)} ms and ${sig(eTotal)} mJ; ${label(topE)} is ${percent(e[topE] / eTotal, 0)} of its energy`,
    subtitle: `Mean share of each handshake phase (left to right: radio, crypto, secure element, other); ${sig(perDay)} handshakes per alive keychain per day make ${sig(eTotal * perDay)} mJ/day.${tableNote(input.handshake.table)}`,
    plot: {
      ...FRAME,
      height: 220,
      marginTop: 40,
      marginLeft: PHASES_LEFT,
      marginRight: PHASES_RIGHT,
      x: { label: 'Share of the handshake (%) →', percent: true, domain: [0, 100] },
      y: { label: null, domain: metrics.map((m) => `${m.key} (${sig(m.total)} ${m.unit})`) },
      color: { domain: PHASES.map(label), scheme: 'tableau10' },
      marks: [
        Plot.barX(rows, { x: 'share', y: 'metric', fill: 'phase', order: PHASES.map(label), inset: 1 }),
        // Values inside the segments that can hold them; phase names above the top bar.
        Plot.text(rows, Plot.stackX({
          x: 'share', y: 'metric', z: 'phase', order: PHASES.map(label),
          text: (d: Row) => (fits(d.share, `${sig(d.value)} ${d.unit}`) ? `${sig(d.value)} ${d.unit}` : ''),
          fill: 'white', fontSize: 10,
        })),
        Plot.text(rows.slice(0, PHASES.length), Plot.stackX({
          x: 'share', y: 'metric', z: 'phase', order: PHASES.map(label),
          text: (d: Row) => (fits(d.share, d.phase) ? d.phase : ''), fill: 'phase', dy: -24, fontSize: 11, fontWeight: 'bold',
        })),
      ],
    },
    table: {
      columns: ['phase', 'time per handshake (ms)', 'energy per handshake (mJ)', 'energy per alive keychain-day (mJ)', 'energy share'],
      rows: PHASES.map((p) => [label(p), round(t[p], 2), round(e[p], 3), round(e[p] * perDay, 2), `${round((e[p] / eTotal) * 100, 1)} %`]),
    },
  };
}
