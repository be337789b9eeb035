/**
 * Sweeps in the browser: the list of stored sweeps under the runs table, and a sweep's page, which
 * draws the whole sweep as one chart (charts/sweep-overview.ts) for the metric the reader picks,
 * battery life paired keychain by keychain (the sweep's most powerful comparison: the overview
 * pairs fleet metrics only replication by replication), then the stored runs of every point,
 * each linked to its run page.
 * @module
 */
import { keychainLifeDifferenceChart, num, sweepOverview, type SweepView } from '../../charts/index.ts';
import { KEYCHAIN_LIFE_METRIC } from '../../stats/headline.ts';
import type { SweepListing } from '../../store/index.ts';
import { chartEl } from './chart-section.ts';
import { api, h, message } from './dom.ts';

/** Battery life first: the figure a sweep of suites is usually run for. */
const PREFERRED_METRIC = 'batteryP50';

export function sweepName(s: { scenario: string; kind: string; createdAt: string }): string {
  return `${s.scenario} · ${s.kind} · ${s.createdAt.slice(0, 16).replace('T', ' ')}`;
}

export function sweepsTable(sweeps: readonly SweepListing[]): HTMLElement {
  const head = h('tr', {}, ...['sweep', 'points', 'replications', 'stored runs'].map((c, i) => h('th', { class: i === 0 ? 'l' : '' }, c)));
  const body = h('tbody', {}, ...sweeps.map((s) => h('tr', { 'data-sweep': s.sweepId },
    h('td', { class: 'l' }, h('a', { href: `#/sweep/${encodeURIComponent(s.sweepId)}`, 'data-sweep-id': s.sweepId, title: `sweep id ${s.sweepId}` }, sweepName(s)), h('br'), h('code', { class: 'id' }, s.sweepId)),
    h('td', {}, num(s.points)), h('td', {}, num(s.replications)), h('td', {}, num(s.runs)))));
  return h('table', { class: 'runs sweeps' }, h('thead', {}, head), body);
}

/** The sweep's page: a metric picker, the one chart, the runs behind it. Resolves once drawn. */
export async function sweepPage(id: string, show: (...nodes: Node[]) => void): Promise<void> {
  show(h('p', {}, `Loading sweep ${id}…`));
  const view = await api<SweepView>(`/api/sweeps/${encodeURIComponent(id)}`);
  const name = sweepName(view);
  const header = [h('h2', { class: 'page' }, `Sweep: ${name}`), h('p', { class: 'runid' }, 'sweep id ', h('code', {}, view.id))];
  if (view.kind === 'sensitivity' || view.metrics.length === 0) {
    show(...header, message(`This is a ${view.kind} analysis without a grid of points to draw here; 'keytwin report --sweep ${view.id}' draws its tornado and Morris charts.`), runsOf(view));
    return;
  }
  const picked = view.metrics.some((m) => m.key === PREFERRED_METRIC) ? PREFERRED_METRIC : view.metrics[0]!.key;
  const select = h('select', { id: 'sweep-metric', 'aria-label': 'metric drawn' }, ...view.metrics.map((m) => {
    const o = h('option', { value: m.key }, `${m.label} (${m.unit})`);
    if (m.key === picked) o.selected = true;
    return o;
  }));
  const holder = h('div', { id: 'sweep-chart' });
  const draw = () => holder.replaceChildren(chartEl(sweepOverview(view, select.value), `sweep-${view.scenario}`));
  select.addEventListener('change', draw);
  draw();
  const perKeychain = view.differences.filter((d) => d.metric === KEYCHAIN_LIFE_METRIC && d.pairs === 'keychains');
  const keychains = perKeychain.length > 0 ? [h('div', { id: 'sweep-keychains' }, chartEl(keychainLifeDifferenceChart(perKeychain, view.baseline!), `sweep-${view.scenario}-keychains`))] : [];
  show(...header, h('p', {}, `${num(view.points.length)} points × ${num(view.replications)} replications, baseline '${view.baseline}'. Metric: `, select), holder, ...keychains, runsOf(view));
}

function runsOf(view: SweepView): HTMLElement {
  const t = h('table', { class: 'runs' }, h('tr', {}, h('th', { class: 'l' }, 'point'), h('th', {}, 'replication'), h('th', {}, 'seed'), h('th', { class: 'l' }, 'run')));
  for (const r of view.runs) t.append(h('tr', {}, h('td', { class: 'l' }, r.point), h('td', {}, num(r.replication)), h('td', {}, r.seed), h('td', { class: 'l' }, h('a', { href: `#/run/${encodeURIComponent(r.runId)}` }, h('code', {}, r.runId)))));
  return h('details', { class: 'sweep-runs' }, h('summary', {}, `The ${num(view.runs.length)} stored runs of this sweep`), t);
}
