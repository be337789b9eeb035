/**
 * The runs table: one row per stored run with its result columns, sorted by a clicked header and
 * filtered by words typed into the box. The table keeps its sort, filter and selection across the
 * list's automatic refreshes, so a refresh never throws away what the reader was doing.
 * @module
 */
import { num } from '../../charts/format.ts';
import type { RunListing } from '../../store/index.ts';
import { h, runName } from './dom.ts';

type Value = string | number;

interface Column {
  key: string;
  label: string;
  /** Text columns are left-aligned and sort alphabetically. */
  text?: boolean;
  value(r: RunListing): Value;
  cell?(r: RunListing): Node | string;
  title?: string;
}

const days = (v: number) => (Number.isFinite(v) ? `${num(v)} d` : '–');

export const COLUMNS: Column[] = [
  { key: 'name', label: 'run', text: true, value: runName, cell: (r) => h('span', {}, h('a', { href: `#/run/${encodeURIComponent(r.runId)}`, 'data-run-id': r.runId, title: `run id ${r.runId}` }, runName(r)), h('br'), h('code', { class: 'id' }, r.runId)) },
  { key: 'suites', label: 'suite(s)', text: true, value: (r) => r.suites.join(', ') },
  { key: 'devices', label: 'keychains', value: (r) => r.devices, cell: (r) => num(r.devices) },
  { key: 'days', label: 'days', value: (r) => r.durationDays, cell: (r) => num(r.durationDays) },
  { key: 'battery-p5', label: 'battery p5', value: (r) => r.batteryP5Days, cell: (r) => days(r.batteryP5Days), title: 'battery life that 95 % of keychains reach' },
  { key: 'battery-p50', label: 'battery p50', value: (r) => r.batteryP50Days, cell: (r) => days(r.batteryP50Days), title: 'median battery life' },
  { key: 'unlock-p95', label: 'unlock p95', value: (r) => r.unlockP95Ms, cell: (r) => (Number.isFinite(r.unlockP95Ms) ? `${num(r.unlockP95Ms)} ms` : '–') },
  { key: 'failures', label: 'failures', value: (r) => r.failures, cell: (r) => num(r.failures), title: 'failed unlocks and handshakes of the whole fleet, all reasons' },
  { key: 'profile', label: 'profile', text: true, value: (r) => r.profile },
  { key: 'wall', label: 'wall time', value: (r) => r.wallMs, cell: (r) => `${num(r.wallMs / 1000, 1)} s` },
];

export interface TableState {
  /** Null keeps the server's order (newest first). */
  sort: { key: string; dir: 1 | -1 } | null;
  filter: string;
  picked: string[];
}

/** The rows that pass the filter (every word must occur in the run's name, id, suites or profile), sorted. */
export function visibleRuns(runs: readonly RunListing[], state: TableState): RunListing[] {
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = runs.filter((r) => {
    const hay = `${runName(r)} ${r.runId} ${r.suites.join(' ')} ${r.profile}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const col = state.sort && COLUMNS.find((c) => c.key === state.sort!.key);
  if (!col) return rows;
  const dir = state.sort!.dir;
  const rank = (v: Value) => (typeof v === 'number' && !Number.isFinite(v) ? 1 : 0); // missing values last, either way
  return rows.sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (rank(va) !== rank(vb)) return rank(va) - rank(vb);
    return dir * (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb)));
  });
}

/** The table for `runs` under `state`; `changed` is called after the reader sorts or (un)picks. */
export function runsTable(runs: readonly RunListing[], state: TableState, changed: () => void): HTMLTableElement {
  const head = h('tr', {}, h('th', {}, ''));
  for (const c of COLUMNS) {
    const sorted = state.sort?.key === c.key ? state.sort.dir : 0;
    const th = h('th', { class: `sortable ${c.text ? 'l' : ''}`, 'data-sort': c.key, 'aria-sort': sorted === 1 ? 'ascending' : sorted === -1 ? 'descending' : 'none', title: c.title ?? `sort by ${c.label}` },
      c.label + (sorted === 1 ? ' ▲' : sorted === -1 ? ' ▼' : ''));
    th.addEventListener('click', () => {
      // Numbers start with the largest (what a planner looks for first); text starts with A.
      const first: 1 | -1 = c.text ? 1 : -1;
      state.sort = state.sort?.key === c.key ? { key: c.key, dir: (-state.sort.dir) as 1 | -1 } : { key: c.key, dir: first };
      changed();
    });
    head.append(th);
  }
  const table = h('table', { class: 'runs' }, h('thead', {}, head));
  const body = h('tbody', {});
  for (const r of visibleRuns(runs, state)) {
    const box = h('input', { type: 'checkbox', 'data-run': r.runId, 'aria-label': `select ${runName(r)}` });
    box.checked = state.picked.includes(r.runId);
    box.addEventListener('change', () => {
      if (box.checked) state.picked.push(r.runId);
      else state.picked.splice(state.picked.indexOf(r.runId), 1);
      changed();
    });
    body.append(h('tr', { 'data-row': r.runId }, h('td', {}, box), ...COLUMNS.map((c) => h('td', { class: c.text ? 'l' : '' }, c.cell ? c.cell(r) : String(c.value(r))))));
  }
  table.append(body);
  return table;
}
