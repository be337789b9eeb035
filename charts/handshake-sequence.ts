/**
 * One typical handshake and unlock as a sequence diagram: phone and keychain lifelines, each
 * side's computation as a box naming its operations, the real protocol messages as arrows with
 * their size, BLE fragments and transfer time, time running down, and a legend for the marks.
 * The steps come from the handshake statecharts (RunView.handshake.trace: both roles run live
 * by reports/), so the phone's encapsulation and signature verification are there because the
 * phone machine performs them, not because a list says so. Times: the keychain's from the run's
 * per-state means (summary.handshake.steps); the phone is not simulated, so its boxes carry the
 * time the keychain waited for it (its work plus app delay), or none where nobody waited.
 * Layout is in pixels on a display axis: a label band above every arrow and boxes between
 * arrows, so no text sits on an arrow.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { PhaseBreakdown } from '../results/index.ts';
import type { HandshakeMessage, HandshakeTraceItem } from './run-view.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, round, sig } from './format.ts';

export interface SequenceInput {
  suite: string;
  messages: readonly HandshakeMessage[];
  timeMsByPhase: PhaseBreakdown;
  /** Mean time per state of the device-role handshake, in visiting order (runs that record it). */
  steps?: readonly HandshakeStepTime[];
  /** Both roles' steps from the statecharts; without it only the keychain's operations are named. */
  trace?: readonly HandshakeTraceItem[];
}

export interface HandshakeStepTime {
  state: string;
  op: string | null;
  message: string | null;
  direction: 'tx' | 'rx' | null;
  meanMs: number;
}

type Side = 'phone' | 'keychain';

/** A computation box: one side's consecutive operations. */
export interface SeqBox { side: Side; ops: string[]; ms: number; timed: 'measured' | 'waited' | 'split' | 'none'; y1: number; y2: number; label: string }
/** A message arrow and the band above it that holds its label. */
export interface SeqArrow { name: string; from: Side; bytes: number; fragments: number; ms: number; startMs: number; labelY: number; y1: number; y2: number; label: string }
export interface SequenceLayout { boxes: SeqBox[]; arrows: SeqArrow[]; height: number; totalMs: number; traced: boolean }

const LANE: Record<Side, number> = { phone: 0, keychain: 1 };
const LABEL_BAND = 16;
const BOX_MIN = 18;
const BOX_MAX = 70;
const ARROW_MIN = 12;
const ARROW_MAX = 50;
/** Pixels the timed part of the diagram aims for (short steps get their minimum instead). */
const BUDGET_PX = 380;

type Step = { kind: 'work'; side: Side; ops: string[]; states: string[] } | { kind: 'message'; from: Side; name: string; deviceState: string | null };

/** Steps from the statecharts' trace: consecutive operations of one side merged into one box. */
function fromTrace(trace: readonly HandshakeTraceItem[]): Step[] {
  const out: Step[] = [];
  for (const it of trace) {
    if (it.kind === 'message') {
      out.push({ kind: 'message', from: it.from, name: it.name, deviceState: it.from === 'keychain' ? it.senderState : it.receiverState });
      continue;
    }
    const last = out[out.length - 1];
    if (last && last.kind === 'work' && last.side === it.role) {
      last.ops.push(it.op);
      last.states.push(it.state);
    } else out.push({ kind: 'work', side: it.role, ops: [it.op], states: [it.state] });
  }
  return out;
}

/** Without a trace: the messages, with the keychain's operations from the run's steps where known. */
function fromMessages(messages: readonly HandshakeMessage[], steps: readonly HandshakeStepTime[] | undefined): Step[] {
  const out: Step[] = [];
  const byMessage = new Map<string, { state: string; ops: string[]; states: string[] }>();
  let ops: string[] = [];
  let states: string[] = [];
  for (const st of steps ?? []) {
    if (st.op === null) continue;
    if (st.message === null) {
      ops.push(st.op);
      states.push(st.state);
    } else if (!byMessage.has(st.message)) {
      byMessage.set(st.message, { state: st.state, ops: st.direction === 'tx' ? ops : [], states: st.direction === 'tx' ? states : [] });
      if (st.direction === 'rx') continue;
      ops = [];
      states = [];
    }
  }
  messages.forEach((m, i) => {
    const known = byMessage.get(m.name);
    if (m.from === 'keychain' && known && known.ops.length) out.push({ kind: 'work', side: 'keychain', ops: known.ops, states: known.states });
    else if (i > 0 && m.from !== messages[i - 1]!.from) out.push({ kind: 'work', side: m.from, ops: [], states: [] });
    out.push({ kind: 'message', from: m.from, name: m.name, deviceState: known?.state ?? null });
  });
  return out;
}

export function sequenceLayout(input: SequenceInput): SequenceLayout {
  const t = input.timeMsByPhase;
  const steps = input.steps ?? [];
  const stateMs = new Map(steps.map((s) => [s.state, s.meanMs]));
  const stateIndex = new Map(steps.map((s, i) => [s.state, i]));
  const seq = input.trace && input.trace.length ? fromTrace(input.trace) : fromMessages(input.messages, input.steps);
  const size = new Map(input.messages.map((m) => [m.name, m]));
  const fragments = input.messages.reduce((a, m) => a + m.fragments, 0);
  const work = t.crypto + t.secureElement + t.other;
  const turns = seq.filter((s) => s.kind === 'work').length;

  // Times first (ms), then heights.
  const timed = seq.map((s, i) => {
    if (s.kind === 'message') {
      const m = size.get(s.name);
      const ms = s.deviceState !== null && stateMs.has(s.deviceState) ? stateMs.get(s.deviceState)! : fragments > 0 && m ? (t.radio * m.fragments) / fragments : 0;
      return { s, ms, how: 'measured' as const };
    }
    if (s.side === 'keychain' && s.states.length && s.states.every((st) => stateMs.has(st))) {
      return { s, ms: s.states.reduce((a, st) => a + stateMs.get(st)!, 0), how: 'measured' as const };
    }
    if (s.side === 'phone' && steps.length) {
      // The keychain's wait just before receiving the phone's next message holds this work.
      const next = seq.slice(i + 1).find((x) => x.kind === 'message');
      const at = next && next.kind === 'message' && next.from === 'phone' && next.deviceState !== null ? stateIndex.get(next.deviceState) : undefined;
      const wait = at !== undefined && at > 0 && steps[at - 1]!.op === null ? steps[at - 1]!.meanMs : NaN;
      return { s, ms: Number.isFinite(wait) ? wait : 0, how: Number.isFinite(wait) ? ('waited' as const) : ('none' as const) };
    }
    return { s, ms: turns > 0 && !steps.length ? work / turns : 0, how: !steps.length && turns > 0 ? ('split' as const) : ('none' as const) };
  });
  const totalMs = timed.reduce((a, x) => a + x.ms, 0);
  const pxPerMs = totalMs > 0 ? BUDGET_PX / totalMs : 0;
  const boxes: SeqBox[] = [];
  const arrows: SeqArrow[] = [];
  let y = 0;
  let ms = 0;
  for (const { s, ms: d, how } of timed) {
    if (s.kind === 'work') {
      const h = Math.min(BOX_MAX, Math.max(BOX_MIN, d * pxPerMs));
      const what = s.ops.length ? s.ops.join(' + ') : 'computes (operations not traced)';
      const time = how === 'measured' ? `${sig(d)} ms` : how === 'waited' ? `keychain waited ${sig(d)} ms` : how === 'split' ? `~${sig(d)} ms` : 'not timed';
      boxes.push({ side: s.side, ops: s.ops, ms: d, timed: how, y1: y, y2: y + h, label: `${s.side}: ${what} · ${time}` });
      y += h;
    } else {
      const m = size.get(s.name);
      const bytes = m?.bytes ?? NaN;
      const frags = m?.fragments ?? NaN;
      const h = Math.min(ARROW_MAX, Math.max(ARROW_MIN, d * pxPerMs));
      arrows.push({
        name: s.name, from: s.from, bytes, fragments: frags, ms: d, startMs: ms, labelY: y + LABEL_BAND / 2, y1: y + LABEL_BAND, y2: y + LABEL_BAND + h,
        label: `${s.name} · ${num(bytes)} B · ${frags} fragment${frags === 1 ? '' : 's'} · ${sig(d)} ms`,
      });
      y += LABEL_BAND + h;
    }
    ms += d;
  }
  return { boxes, arrows, height: y, totalMs, traced: !!(input.trace && input.trace.length) };
}

const ORANGE = '#f28e2b';
const ARROW_COLOUR: Record<Side, string> = { phone: '#4e79a7', keychain: '#59a14f' };
const TEXT_COLOUR: Record<Side, string> = { phone: '#2b4d6e', keychain: '#33602c' };
const LEGEND_ROW = 16;

export function handshakeSequence(input: SequenceInput | null): ChartSpec {
  const id = 'handshake-sequence';
  if (!input || input.messages.length === 0) {
    const why = 'The handshake messages of this run\'s suite are not known (firmware message sizes unavailable).';
    return { id, title: 'No handshake sequence', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
  }
  const L = sequenceLayout(input);
  const bytes = input.messages.reduce((a, m) => a + m.bytes, 0);
  const fragments = input.messages.reduce((a, m) => a + m.fragments, 0);
  const biggest = input.messages.reduce((a, m) => (m.bytes > a.bytes ? m : a));
  const legendTop = L.height + 14;
  const legend = [
    { kind: 'box', y: legendTop, text: 'computation, operations in statechart order · keychain: the run\'s mean time · phone (not simulated): time the keychain waited' },
    { kind: 'phone', y: legendTop + LEGEND_ROW, text: 'message phone → keychain: name · bytes on the wire · BLE fragments · mean transfer time' },
    { kind: 'keychain', y: legendTop + 2 * LEGEND_ROW, text: 'message keychain → phone (same labels)' },
  ];
  const height = legendTop + 3 * LEGEND_ROW;
  const marginTop = 30;
  const marginBottom = 8;
  return {
    id,
    title: `${input.suite}: ${input.messages.length} messages, ${num(bytes)} B in ${fragments} BLE fragments; the largest is ${biggest.name} (${num(biggest.bytes)} B)`,
    subtitle: `A typical handshake and unlock, time running down (${sig(L.totalMs)} ms timed in all; heights not to scale for short steps).${L.traced ? ' Steps from the phone and keychain statecharts run live with this suite.' : ' The phone\'s operations are not known for this run (no statechart trace).'}`,
    plot: {
      ...FRAME,
      height: height + marginTop + marginBottom,
      marginLeft: 20,
      marginRight: 20,
      marginTop,
      marginBottom,
      x: { domain: [-0.15, 1.15], axis: null },
      y: { reverse: true, domain: [0, height], axis: null },
      marks: [
        Plot.ruleX([0, 1], { y1: 0, y2: L.height, stroke: '#888', strokeWidth: 1.5 }),
        Plot.text(['phone', 'keychain'], { x: (d: string) => LANE[d as Side], frameAnchor: 'top', dy: -22, text: (d: string) => d, fontWeight: 'bold', fontSize: 12 }),
        Plot.rect(L.boxes, { x1: (d: SeqBox) => LANE[d.side] - 0.025, x2: (d: SeqBox) => LANE[d.side] + 0.025, y1: 'y1', y2: 'y2', fill: ORANGE, inset: 0.5 }),
        // Phone boxes are labelled to their right, keychain boxes to their left: between the
        // lifelines, in the box's own rows, where no arrow runs.
        Plot.text(L.boxes.filter((b) => b.side === 'phone'), { x: 0.04, y: (d: SeqBox) => (d.y1 + d.y2) / 2, text: 'label', textAnchor: 'start', fill: '#b35806', fontSize: 9 }),
        Plot.text(L.boxes.filter((b) => b.side === 'keychain'), { x: 0.96, y: (d: SeqBox) => (d.y1 + d.y2) / 2, text: 'label', textAnchor: 'end', fill: '#b35806', fontSize: 9 }),
        Plot.arrow(L.arrows, { x1: (d: SeqArrow) => LANE[d.from], x2: (d: SeqArrow) => 1 - LANE[d.from], y1: 'y1', y2: 'y2', stroke: (d: SeqArrow) => ARROW_COLOUR[d.from], strokeWidth: 1.5, headLength: 8 }),
        Plot.text(L.arrows, { x: 0.5, y: 'labelY', text: 'label', fontSize: 10, fill: (d: SeqArrow) => TEXT_COLOUR[d.from] }),
        // Legend (Plot legends would wrap the SVG in a figure): a swatch and a line of text per mark.
        Plot.rect(legend.filter((l) => l.kind === 'box'), { x1: -0.1, x2: -0.06, y1: (d: { y: number }) => d.y - 5, y2: (d: { y: number }) => d.y + 5, fill: ORANGE }),
        Plot.arrow(legend.filter((l) => l.kind !== 'box'), { x1: -0.12, x2: -0.04, y1: 'y', y2: 'y', stroke: (d: { kind: string }) => ARROW_COLOUR[d.kind as Side], strokeWidth: 1.5, headLength: 6 }),
        Plot.text(legend, { x: -0.02, y: 'y', text: 'text', textAnchor: 'start', fontSize: 9, fill: '#444' }),
      ],
    },
    table: {
      columns: ['#', 'side or message', 'operations', 'bytes', 'BLE fragments', 'start (ms)', 'time (ms)', 'time is'],
      rows: sequenceRows(L),
    },
  };
}

/** Boxes and arrows in drawing order, as table rows. */
function sequenceRows(L: SequenceLayout): (string | number)[][] {
  const all = [...L.boxes.map((b) => ({ y: b.y1, b })), ...L.arrows.map((a) => ({ y: a.y1, a }))].sort((p, q) => p.y - q.y);
  let ms = 0;
  return all.map((e, i) => {
    if ('b' in e && e.b) {
      const row = [i + 1, e.b.side, e.b.ops.join(' + ') || '(not traced)', '', '', round(ms, 1), round(e.b.ms, 2), e.b.timed];
      ms += e.b.ms;
      return row;
    }
    const a = (e as { a: SeqArrow }).a;
    const row = [i + 1, `${a.name} (${a.from} → ${a.from === 'phone' ? 'keychain' : 'phone'})`, 'ble.transfer', a.bytes, a.fragments, round(ms, 1), round(a.ms, 2), 'measured'];
    ms += a.ms;
    return row;
  });
}
