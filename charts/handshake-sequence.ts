/**
 * One typical handshake as a sequence diagram: phone and keychain lifelines, the real protocol
 * messages as arrows labelled with their size and BLE fragment count, time running down.
 * When the run recorded per-state means (summary.handshake.steps), each arrow takes its message's
 * mean transfer time and each side's work before it is drawn as measured; older runs fall back
 * to the phase totals (radio split by fragments, processing split evenly across turns).
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { PhaseBreakdown } from '../results/index.ts';
import type { HandshakeMessage } from './run-view.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, round, sig } from './format.ts';

export interface SequenceInput {
  suite: string;
  messages: readonly HandshakeMessage[];
  timeMsByPhase: PhaseBreakdown;
  /** Mean time per state of the device-role handshake, in visiting order (runs that record it). */
  steps?: readonly HandshakeStepTime[];
}

export interface HandshakeStepTime {
  state: string;
  op: string | null;
  message: string | null;
  direction: 'tx' | 'rx' | null;
  meanMs: number;
}

/**
 * Per message, from the run's per-state means: its mean transfer time, and the work before it on
 * the sending side (the keychain's operations since its last transfer; for the phone, the time
 * the keychain waited for it, which holds the phone's computation and app delay).
 */
function fromSteps(steps: readonly HandshakeStepTime[]): Map<string, { radioMs: number; workMs: number; work: string }> {
  const out = new Map<string, { radioMs: number; workMs: number; work: string }>();
  let deviceWork = 0;
  const ops: string[] = [];
  let wait = 0;
  for (const st of steps) {
    if (st.op === null) wait = st.meanMs;
    else if (st.message === null) {
      deviceWork += st.meanMs;
      ops.push(st.op);
    } else if (!out.has(st.message)) {
      const rx = st.direction === 'rx';
      out.set(st.message, rx ? { radioMs: st.meanMs, workMs: wait, work: 'phone works / waits' } : { radioMs: st.meanMs, workMs: deviceWork, work: ops.join(' + ') });
      deviceWork = 0;
      ops.length = 0;
      wait = 0;
    }
  }
  return out;
}

interface Arrow { name: string; from: string; bytes: number; fragments: number; x1: number; x2: number; y1: number; y2: number; startMs: number; ms: number; label: string }
interface Work { side: number; y1: number; y2: number; label: string }

const LANE = { phone: 0, keychain: 1 } as const;

export function handshakeSequence(input: SequenceInput | null): ChartSpec {
  const id = 'handshake-sequence';
  if (!input || input.messages.length === 0) {
    const why = 'The handshake messages of this run\'s suite are not known (firmware message sizes unavailable).';
    return { id, title: 'No handshake sequence', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
  }
  const t = input.timeMsByPhase;
  const measured = input.steps && input.steps.length > 0 ? fromSteps(input.steps) : null;
  const fragments = input.messages.reduce((a, m) => a + m.fragments, 0);
  const bytes = input.messages.reduce((a, m) => a + m.bytes, 0);
  const turns = input.messages.filter((m, i) => i > 0 && m.from !== input.messages[i - 1]!.from).length;
  const work = t.crypto + t.secureElement + t.other;
  const perTurn = turns > 0 ? work / turns : 0;
  // Drawn on a display axis where every step gets at least MIN_STEP of the height, so short
  // back-to-back messages stay readable; real times are printed on each arrow and in the table.
  const realTotal = t.radio + work;
  const minStep = realTotal / (input.messages.length * 3);
  const arrows: Arrow[] = [];
  const works: Work[] = [];
  let y = 0;
  let ms = 0;
  input.messages.forEach((m, i) => {
    const known = measured?.get(m.name);
    if (known && known.workMs > 0 && i > 0) {
      const h = Math.max(known.workMs, minStep);
      const what = m.from === 'keychain' ? `keychain ${known.work}: ${sig(known.workMs)} ms` : `phone (its crypto + app): ${sig(known.workMs)} ms`;
      works.push({ side: LANE[m.from], y1: y, y2: y + h, label: what });
      y += h;
      ms += known.workMs;
    } else if (!measured && i > 0 && m.from !== input.messages[i - 1]!.from && perTurn > 0) {
      const h = Math.max(perTurn, minStep * 0.6);
      works.push({ side: LANE[m.from], y1: y, y2: y + h, label: `${m.from} computes ~${sig(perTurn)} ms` });
      y += h;
      ms += perTurn;
    }
    const d = known ? known.radioMs : fragments > 0 ? (t.radio * m.fragments) / fragments : 0;
    const h = Math.max(d, minStep);
    const x1 = LANE[m.from];
    arrows.push({
      name: m.name, from: m.from, bytes: m.bytes, fragments: m.fragments, x1, x2: 1 - x1, y1: y, y2: y + h, startMs: ms, ms: d,
      label: `${m.name} · ${num(m.bytes)} B · ${m.fragments} fragment${m.fragments === 1 ? '' : 's'} · ${sig(d)} ms`,
    });
    y += h;
    ms += d;
  });
  const totalMs = ms;
  const height = y;
  const biggest = input.messages.reduce((a, m) => (m.bytes > a.bytes ? m : a));
  return {
    id,
    title: `${input.suite}: ${input.messages.length} messages, ${num(bytes)} B in ${fragments} BLE fragments; the largest is ${biggest.name} (${num(biggest.bytes)} B)`,
    subtitle: measured
      ? `A typical handshake and unlock, time running down (${sig(totalMs)} ms in all, not to scale for short steps): the run's mean time of each transfer and of each side's work before it.`
      : `A typical handshake, time running down (${sig(totalMs)} ms in all, not to scale for short steps): radio time ${sig(t.radio)} ms split by fragments; processing ${sig(work)} ms split across the turns.`,
    plot: {
      ...FRAME,
      height: Math.max(260, 60 + input.messages.length * 46),
      marginLeft: 20,
      marginRight: 20,
      marginTop: 30,
      x: { domain: [-0.15, 1.15], axis: null },
      y: { reverse: true, domain: [0, height], axis: null },
      marks: [
        Plot.ruleX([0, 1], { y1: 0, y2: height, stroke: '#888', strokeWidth: 1.5 }),
        Plot.text(['phone', 'keychain'], { x: (d: string) => LANE[d as keyof typeof LANE], frameAnchor: 'top', dy: -22, text: (d: string) => d, fontWeight: 'bold', fontSize: 12 }),
        Plot.rect(works, { x1: (d: Work) => d.side - 0.03, x2: (d: Work) => d.side + 0.03, y1: 'y1', y2: 'y2', fill: '#f28e2b' }),
        // Work on the phone is labelled to its right, work on the keychain to its left (inside the frame).
        Plot.text(works.filter((w) => w.side === 0), { x: 0.05, y: (d: Work) => (d.y1 + d.y2) / 2, text: 'label', textAnchor: 'start', fill: '#b35806', fontSize: 9 }),
        Plot.text(works.filter((w) => w.side === 1), { x: 0.95, y: (d: Work) => (d.y1 + d.y2) / 2, text: 'label', textAnchor: 'end', fill: '#b35806', fontSize: 9 }),
        Plot.arrow(arrows, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', stroke: (d: Arrow) => (d.from === 'phone' ? '#4e79a7' : '#59a14f'), strokeWidth: 1.5, headLength: 8 }),
        Plot.text(arrows, { x: 0.5, y: (d: Arrow) => (d.y1 + d.y2) / 2, text: 'label', dy: -7, fontSize: 10, fill: (d: Arrow) => (d.from === 'phone' ? '#2b4d6e' : '#33602c') }),
      ],
    },
    table: {
      columns: ['#', 'message', 'from → to', 'bytes', 'BLE fragments', 'start (ms)', 'radio time (ms)'],
      rows: arrows.map((a, i) => [i + 1, a.name, `${a.from} → ${a.from === 'phone' ? 'keychain' : 'phone'}`, a.bytes, a.fragments, round(a.startMs, 1), round(a.ms, 1)]),
    },
  };
}
