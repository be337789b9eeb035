/**
 * The dashboard page (runs in the browser, bundled by esbuild): the runs table, a run's charts,
 * a comparison of two runs, and live runs. Charts come from the same pure functions as the HTML
 * report, drawn here with Plot. Every failure becomes a message in the page. The runs list and
 * the live view poll the server, so they stay current without a reload.
 * Routes: #/  #/run/<id>  #/cloud/<id>  #/compare/<a>/<b>  #/sweep/<id>  #/live  #/live/<id>
 * @module
 */
import * as Plot from '@observablehq/plot';
import { compareCharts, liveCharts, num, runCharts, shareAxesAll } from '../../charts/index.ts';
import type { RunView } from '../../charts/index.ts';
import type { LiveProgressPoint, LiveSnapshot } from '../live.ts';
import type { RunListing, SweepListing } from '../../store/index.ts';
import { chartEl } from './chart-section.ts';
import { api, h, message, runName } from './dom.ts';
import { duration, etaMs, eventRateChart, liveTotals, unlocksFailuresChart } from './live-progress.ts';
import { runsTable, visibleRuns, type TableState } from './runs-table.ts';
import { sweepPage, sweepsTable } from './sweep-page.ts';
import { cloudPage } from './cloud-page.ts';

interface RunsResponse {
  store: string;
  runs: RunListing[];
  live: Pick<LiveSnapshot, 'runId' | 'scenario' | 'simDay' | 'durationDays' | 'state'>[];
}

/** How often the runs list and the live view ask the server again. */
const LIST_REFRESH_MS = 3000;
const LIVE_REFRESH_MS = 1000;

const app = document.getElementById('app')!;
let poll: number | undefined;
let generation = 0;
/** Kept across refreshes and visits of the list, so sorting and filtering survive both. */
const tableState: TableState = { sort: null, filter: '', picked: [] };

/**
 * What a route's page draws with. Its writes land only while it is the newest route: a page still
 * loading when another route starts (a quick second click on a slow store) must neither replace
 * the newer page nor keep polling. `ready` marks the page drawn, with `data-route` naming it:
 * clicking a link changes the hash at once but the page only on the next `hashchange`, so until
 * then the old page is the one ready (the browser tests wait for the route they asked for).
 */
interface Page {
  show(...nodes: Node[]): void;
  append(node: Node): void;
  ready(): void;
  /** Runs `fn` after `ms` ms (the polls), unless another route has started by then. */
  later(fn: () => void, ms: number): void;
}

function newPage(): Page {
  const mine = ++generation;
  const at = location.hash;
  const current = () => mine === generation;
  return {
    show: (...nodes) => {
      if (current()) app.replaceChildren(...nodes);
    },
    append: (node) => {
      if (current()) app.append(node);
    },
    ready: () => {
      if (!current()) return;
      app.setAttribute('data-route', at);
      app.setAttribute('data-ready', 'true');
    },
    later: (fn, ms) => {
      if (current()) poll = window.setTimeout(() => current() && fn(), ms);
    },
  };
}

function facts(items: [string, string, string?][]): HTMLElement {
  return h('div', { class: 'facts' }, ...items.map(([b, l, key]) => h('div', { class: 'fact', ...(key ? { 'data-fact': key } : {}) }, h('b', {}, b), h('span', {}, l))));
}

function runFacts(v: RunView): HTMLElement {
  const s = v.summary;
  return facts([
    [num(s.devices), 'keychains'], [`${num(s.durationDays)} d`, 'simulated'], [`${num(s.battery.lifeDays.p50.value)} d (${num(s.battery.lifeDays.p50.lo)}–${num(s.battery.lifeDays.p50.hi)})`, `median time to brown-out: ${s.battery.depleted} observed, ${s.battery.censored} projected`],
    [`${num(s.unlocks.latencyMs.p95)} ms`, 'unlock latency p95'], [num(s.unlocks.intents), 'unlock intents'], [Object.keys(s.suites).join(', '), 'suites'],
  ]);
}

async function runsPage(pg: Page) {
  const filter = h('input', { id: 'filter', type: 'search', placeholder: 'Filter by scenario, suite, profile or id', value: tableState.filter, 'aria-label': 'filter runs' });
  const count = h('h2', { class: 'page' }, 'Runs in the store');
  const liveLine = h('p', { id: 'live-runs' });
  const holder = h('div', { id: 'runs-holder' });
  const compare = h('button', { id: 'compare', disabled: '' }, 'Compare the two selected runs');
  const sweepsHolder = h('div', { id: 'sweeps-holder' });
  compare.addEventListener('click', () => {
    location.hash = `#/compare/${encodeURIComponent(tableState.picked[0]!)}/${encodeURIComponent(tableState.picked[1]!)}`;
  });
  let data: RunsResponse | null = null;
  let sweeps: SweepListing[] = [];
  let seen = '';

  const render = () => {
    if (!data) return;
    const shown = visibleRuns(data.runs, tableState).length;
    count.textContent = `Runs in the store (${data.runs.length}${shown !== data.runs.length ? `, ${shown} shown` : ''})`;
    liveLine.replaceChildren(...(data.live.length ? [`${data.live.length} live run(s): `, ...data.live.map((l) => h('a', { href: `#/live/${encodeURIComponent(l.runId)}` }, `${l.scenario} (${l.state}, day ${num(l.simDay)}/${num(l.durationDays)}) `))] : []));
    // Runs deleted since they were picked cannot be compared.
    tableState.picked = tableState.picked.filter((id) => data!.runs.some((r) => r.runId === id));
    compare.toggleAttribute('disabled', tableState.picked.length !== 2);
    if (data.runs.length === 0) {
      holder.replaceChildren(message(`The store (${data.store}) has no runs yet. Run a simulation first, e.g. 'keytwin run scenarios/<file>.yaml'; it appears here by itself.`));
    } else holder.replaceChildren(runsTable(data.runs, tableState, render));
    sweepsHolder.replaceChildren(...(sweeps.length ? [h('h2', { class: 'page' }, `Sweeps in the store (${sweeps.length})`), sweepsTable(sweeps)] : []));
  };
  const load = async () => {
    // Together: on an embedded store the two requests then share one opening of it (seconds each).
    const [next, { sweeps: nextSweeps }] = await Promise.all([api<RunsResponse>('/api/runs'), api<{ sweeps: SweepListing[] }>('/api/sweeps')]);
    document.getElementById('store')!.textContent = `store: ${next.store}`;
    const key = JSON.stringify([next.runs, next.live, nextSweeps]);
    // Redraw only when something changed: a redraw under the pointer would eat a click.
    if (key !== seen) {
      seen = key;
      data = next;
      sweeps = nextSweeps;
      render();
    }
  };
  filter.addEventListener('input', () => {
    tableState.filter = filter.value;
    render();
  });
  await load();
  pg.show(count, liveLine, h('p', {}, filter), holder, h('p', {}, compare), sweepsHolder);
  pg.ready();
  const again = () => {
    pg.later(() => {
      load().then(again, (err: Error) => {
        // Keep the table; say why it may be stale, and keep trying.
        holder.before(message(`Could not refresh the list: ${err.message}`, 'error'));
        again();
      });
    }, LIST_REFRESH_MS);
  };
  again();
}

async function runPage(pg: Page, id: string) {
  pg.show(h('p', {}, `Loading run ${id}…`));
  const view = await api<RunView>(`/api/runs/${encodeURIComponent(id)}`);
  const name = runName({ scenario: view.manifest.scenario.name, startedAt: view.manifest.startedAt, seed: view.manifest.seed });
  const cloudLink = view.cloudDetail ? [' · ', h('a', { href: `#/cloud/${encodeURIComponent(view.id)}`, id: 'cloud-view' }, 'Cloud view: utilisation, queue and p99 per hour, OTA waves')] : [];
  pg.show(h('h2', { class: 'page' }, name), h('p', { class: 'runid' }, 'run id ', h('code', {}, view.id), ...cloudLink), runFacts(view));
  // Draw one chart per frame so the first chart appears before the others are computed.
  for (const spec of runCharts(view)) {
    pg.append(chartEl(spec, name));
    await new Promise((r) => requestAnimationFrame(r));
  }
  pg.ready();
}

async function comparePage(pg: Page, a: string, b: string) {
  pg.show(h('p', {}, `Loading runs ${a} and ${b}…`));
  const data = await api<{ a: RunView; b: RunView }>(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  const nameOf = (v: RunView) => runName({ scenario: v.manifest.scenario.name, startedAt: v.manifest.startedAt, seed: v.manifest.seed });
  const [na, nb] = [nameOf(data.a), nameOf(data.b)];
  pg.show(h('h2', { class: 'page' }, `Comparison: B ${nb} against A ${na}`), ...compareCharts(data.a, data.b).map((s) => chartEl(s, `${nb}-vs-${na}`)));
  // Each pair on the same axes: the domains Plot would pick for either side, united.
  const [ca, cb] = shareAxesAll(runCharts(data.a), runCharts(data.b), (spec) => {
    if (!spec.plot) return {};
    const fig = Plot.plot(spec.plot);
    return { x: fig.scale('x')?.domain as unknown[] | undefined, y: fig.scale('y')?.domain as unknown[] | undefined };
  });
  ca.forEach((s, i) => pg.append(h('div', { class: 'pair' }, chartEl(s, na, 'A'), chartEl(cb[i]!, nb, 'B'))));
  pg.ready();
}

async function liveList(pg: Page) {
  const { runs } = await api<{ runs: LiveSnapshot[] }>('/api/live');
  if (runs.length === 0) {
    pg.show(h('h2', { class: 'page' }, 'Live runs'), message("No simulation is publishing progress. Start one with 'keytwin run <scenario> --live <this dashboard's URL>'; it appears here within a second."));
  } else {
    pg.show(h('h2', { class: 'page' }, 'Live runs'), h('ul', {}, ...runs.map((r) => h('li', {}, h('a', { href: `#/live/${encodeURIComponent(r.runId)}` }, r.scenario), ` ${r.state}, day ${num(r.simDay)} of ${num(r.durationDays)} · `, h('code', {}, r.runId)))));
  }
  pg.ready();
  pg.later(() => void route(), 2000);
}

async function livePage(pg: Page, id: string) {
  const s = await api<LiveSnapshot & { history: LiveProgressPoint[] }>(`/api/live/${encodeURIComponent(id)}`);
  const frac = s.durationDays > 0 ? s.simDay / s.durationDays : 1;
  const eta = etaMs(s, s.history);
  const t = liveTotals(s);
  const nodes: Node[] = [
    h('h2', { class: 'page' }, `Live: ${s.scenario} · ${s.state}`),
    h('p', { class: 'runid' }, 'run id ', h('code', {}, s.runId)),
    h('div', { class: 'progress', 'data-progress': frac.toFixed(4) }, h('div', { style: `width:${(frac * 100).toFixed(1)}%` })),
    facts([
      [`${num(frac * 100, 1)} %`, `day ${num(s.simDay, 1)} of ${num(s.durationDays)}`],
      [s.state === 'running' ? (eta === null ? '…' : duration(eta)) : s.state, s.state === 'running' ? 'left (ETA)' : 'state', 'eta'],
      [num(s.eventsPerSecond), 'events/s (mean)'], [num(s.events), 'events'], [num(s.devices), 'keychains'],
      [num(t.unlocks), `unlocks, fleet, ${num(t.days)} days`, 'unlocks'], [num(t.failures), `failures, fleet, ${num(t.days)} days`, 'failures'],
      [duration(s.wallMs), 'wall time'],
    ]),
  ];
  if (s.message) nodes.push(message(s.message, s.state === 'failed' ? 'error' : 'info'));
  // `keytwin run` saves the run after its last snapshot: offer the link once the store has it.
  const stored = s.state === 'done' && (await api<RunsResponse>('/api/runs')).runs.some((r) => r.runId === s.runId);
  if (stored) nodes.push(h('p', { 'data-stored': 'true' }, 'Finished. ', h('a', { href: `#/run/${encodeURIComponent(s.runId)}` }, 'Open the stored run')));
  else if (s.state === 'done') nodes.push(h('p', { 'data-stored': 'false' }, 'Finished; the run is being saved to the store. A link to it appears here once it is stored.'));
  const name = `live-${s.scenario}`;
  pg.show(...nodes, chartEl(eventRateChart(s.history), name), chartEl(unlocksFailuresChart(s), name), ...liveCharts(s).map((c) => chartEl(c, name)));
  pg.ready();
  if (s.state === 'running') pg.later(() => void route(), LIVE_REFRESH_MS);
  else if (s.state === 'done' && !stored) pg.later(() => void route(), LIST_REFRESH_MS);
}

async function route() {
  window.clearTimeout(poll);
  app.removeAttribute('data-ready');
  const pg = newPage();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'run' && parts[1]) await runPage(pg, parts[1]);
    else if (parts[0] === 'compare' && parts[1] && parts[2]) await comparePage(pg, parts[1], parts[2]);
    else if (parts[0] === 'cloud' && parts[1]) {
      await cloudPage(parts[1], pg.show, pg.append);
      pg.ready();
    } else if (parts[0] === 'sweep' && parts[1]) {
      await sweepPage(parts[1], pg.show);
      pg.ready();
    } else if (parts[0] === 'live' && parts[1]) await livePage(pg, parts[1]);
    else if (parts[0] === 'live') await liveList(pg);
    else await runsPage(pg);
  } catch (err) {
    pg.show(message((err as Error).message, 'error'), h('p', {}, h('a', { href: '#/' }, 'Back to the list of runs')));
    pg.ready();
  }
}

window.addEventListener('hashchange', () => void route());
void route();
