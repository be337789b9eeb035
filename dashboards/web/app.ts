/**
 * The dashboard page (runs in the browser, bundled by esbuild): list of stored runs, a run's
 * charts, a comparison of two runs, and live runs. Charts come from the same pure functions as
 * the HTML report, drawn here with Plot. Every failure becomes a message in the page.
 * Routes: #/  #/run/<id>  #/compare/<a>/<b>  #/live  #/live/<id>
 * @module
 */
import * as Plot from '@observablehq/plot';
import { compareCharts, liveCharts, num, runCharts } from '../../charts/index.ts';
import type { ChartSpec } from '../../charts/index.ts';
import type { RunView } from '../../charts/index.ts';
import type { LiveSnapshot } from '../live.ts';
import type { RunListing } from '../../store/index.ts';

interface RunsResponse {
  store: string;
  runs: RunListing[];
  live: Pick<LiveSnapshot, 'runId' | 'scenario' | 'simDay' | 'durationDays' | 'state'>[];
}

const app = document.getElementById('app')!;
let poll: number | undefined;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function message(text: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('div', { class: `message ${kind === 'error' ? 'error' : ''}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

async function api<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path);
  } catch {
    throw new Error(`The dashboard server does not answer (${path}). Is 'keytwin dashboard' still running?`);
  }
  const body = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

function show(...nodes: Node[]) {
  app.replaceChildren(...nodes);
}

function ready() {
  app.setAttribute('data-ready', 'true');
}

function tableEl(spec: ChartSpec): Node {
  if (spec.table.columns.length === 0) return document.createTextNode('');
  const t = h('table', {}, h('tr', {}, ...spec.table.columns.map((c) => h('th', {}, c))));
  for (const r of spec.table.rows) t.append(h('tr', {}, ...r.map((c) => h('td', {}, typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '–') : c))));
  return spec.table.rows.length > 12 ? h('details', {}, h('summary', {}, `Numbers behind the chart (${spec.table.rows.length} rows)`), t) : t;
}

function chartEl(spec: ChartSpec, tag = ''): HTMLElement {
  const section = h('section', { class: 'chart', 'data-chart': spec.id, 'data-empty': spec.plot ? 'false' : 'true' });
  const title = h('h3', {});
  if (tag) title.append(h('span', { class: `tag ${tag.toLowerCase()}` }, tag));
  title.append(spec.title);
  section.append(title, h('p', { class: 'sub' }, spec.subtitle));
  if (spec.plot) {
    try {
      section.append(Plot.plot(spec.plot));
    } catch (err) {
      section.append(message(`This chart could not be drawn: ${(err as Error).message}`, 'error'));
    }
  } else section.append(message(spec.empty ?? 'No data for this chart.'));
  section.append(tableEl(spec));
  return section;
}

function facts(v: RunView): HTMLElement {
  const s = v.summary;
  const items: [string, string][] = [
    [num(s.devices), 'keychains'], [`${num(s.durationDays)} d`, 'simulated'], [`${num(s.battery.lifeDays.p50.value)} d`, 'median battery life'],
    [`${num(s.unlocks.latencyMs.p95)} ms`, 'unlock latency p95'], [num(s.unlocks.intents), 'unlock intents'], [Object.keys(s.suites).join(', '), 'suites'],
  ];
  return h('div', { class: 'facts' }, ...items.map(([b, l]) => h('div', { class: 'fact' }, h('b', {}, b), h('span', {}, l))));
}

async function runsPage() {
  const data = await api<RunsResponse>('/api/runs');
  document.getElementById('store')!.textContent = `store: ${data.store}`;
  const nodes: Node[] = [h('h2', { class: 'page' }, `Runs in the store (${data.runs.length})`)];
  if (data.live.length) {
    nodes.push(h('p', {}, `${data.live.length} live run(s): `, ...data.live.map((l) => h('a', { href: `#/live/${encodeURIComponent(l.runId)}` }, `${l.runId} (${l.state}, day ${num(l.simDay)}/${num(l.durationDays)}) `))));
  }
  if (data.runs.length === 0) {
    nodes.push(message(`The store (${data.store}) has no runs yet. Run a simulation first, e.g. 'keytwin run scenarios/<file>.yaml', then reload this page.`));
    show(...nodes);
    return ready();
  }
  const compare = h('button', { id: 'compare', disabled: '' }, 'Compare the two selected runs');
  const table = h('table', { class: 'runs' }, h('tr', {}, ...['', 'run', 'scenario', 'seed', 'keychains', 'days', 'profile', 'started', 'wall time'].map((c) => h('th', { class: ['run', 'scenario', 'profile', 'started'].includes(c) ? 'l' : '' }, c))));
  const picked: string[] = [];
  for (const r of data.runs) {
    const box = h('input', { type: 'checkbox', 'data-run': r.runId });
    box.addEventListener('change', () => {
      if (box.checked) picked.push(r.runId);
      else picked.splice(picked.indexOf(r.runId), 1);
      compare.toggleAttribute('disabled', picked.length !== 2);
    });
    table.append(h('tr', {},
      h('td', {}, box), h('td', { class: 'l' }, h('a', { href: `#/run/${encodeURIComponent(r.runId)}` }, r.runId)), h('td', { class: 'l' }, r.scenario),
      h('td', {}, String(r.seed)), h('td', {}, num(r.devices)), h('td', {}, num(r.durationDays)), h('td', { class: 'l' }, r.profile),
      h('td', { class: 'l' }, r.startedAt.slice(0, 19).replace('T', ' ')), h('td', {}, `${num(r.wallMs / 1000, 1)} s`)));
  }
  compare.addEventListener('click', () => {
    location.hash = `#/compare/${encodeURIComponent(picked[0]!)}/${encodeURIComponent(picked[1]!)}`;
  });
  nodes.push(table, h('p', {}, compare));
  show(...nodes);
  ready();
}

async function runPage(id: string) {
  show(h('p', {}, `Loading run ${id}…`));
  const view = await api<RunView>(`/api/runs/${encodeURIComponent(id)}`);
  const head = h('h2', { class: 'page' }, `Run ${view.id} · ${view.manifest.scenario.name} · seed ${view.manifest.seed}`);
  show(head, facts(view));
  // Draw one chart per frame so the first chart appears before the others are computed.
  for (const spec of runCharts(view)) {
    app.append(chartEl(spec));
    await new Promise((r) => requestAnimationFrame(r));
  }
  ready();
}

async function comparePage(a: string, b: string) {
  show(h('p', {}, `Loading runs ${a} and ${b}…`));
  const data = await api<{ a: RunView; b: RunView }>(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  show(h('h2', { class: 'page' }, `Comparison: B ${data.b.id} against A ${data.a.id}`), ...compareCharts(data.a, data.b).map((s) => chartEl(s)));
  const ca = runCharts(data.a);
  const cb = runCharts(data.b);
  ca.forEach((s, i) => app.append(h('div', { class: 'pair' }, chartEl(s, 'A'), chartEl(cb[i]!, 'B'))));
  ready();
}

async function livePage(id?: string) {
  if (!id) {
    const { runs } = await api<{ runs: LiveSnapshot[] }>('/api/live');
    if (runs.length === 0) {
      show(h('h2', { class: 'page' }, 'Live runs'), message("No simulation is publishing progress. Start one with 'keytwin run <scenario> --live <this dashboard's URL>'; it appears here within a second."));
    } else {
      show(h('h2', { class: 'page' }, 'Live runs'), h('ul', {}, ...runs.map((r) => h('li', {}, h('a', { href: `#/live/${encodeURIComponent(r.runId)}` }, r.runId), ` ${r.state}, day ${num(r.simDay)} of ${num(r.durationDays)}`))));
    }
    ready();
    poll = window.setTimeout(() => void route(), 2000);
    return;
  }
  const s = await api<LiveSnapshot>(`/api/live/${encodeURIComponent(id)}`);
  const frac = s.durationDays > 0 ? s.simDay / s.durationDays : 1;
  const nodes: Node[] = [
    h('h2', { class: 'page' }, `Live: ${s.runId} · ${s.scenario} · ${s.state}`),
    h('div', { class: 'progress', 'data-progress': frac.toFixed(4) }, h('div', { style: `width:${(frac * 100).toFixed(1)}%` })),
    h('div', { class: 'facts' },
      ...([[`${num(frac * 100, 1)} %`, `day ${num(s.simDay, 1)} of ${num(s.durationDays)}`], [num(s.eventsPerSecond), 'events/s'], [num(s.events), 'events'], [num(s.devices), 'keychains'], [`${num(s.wallMs / 1000, 1)} s`, 'wall time']] as [string, string][])
        .map(([b, l]) => h('div', { class: 'fact' }, h('b', {}, b), h('span', {}, l)))),
  ];
  if (s.message) nodes.push(message(s.message, s.state === 'failed' ? 'error' : 'info'));
  if (s.state === 'done') nodes.push(h('p', {}, 'Finished. ', h('a', { href: `#/run/${encodeURIComponent(s.runId)}` }, 'Open the stored run')));
  show(...nodes, ...liveCharts(s).map((c) => chartEl(c)));
  ready();
  if (s.state === 'running') poll = window.setTimeout(() => void route(), 1000);
}

async function route() {
  window.clearTimeout(poll);
  app.removeAttribute('data-ready');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'run' && parts[1]) await runPage(parts[1]);
    else if (parts[0] === 'compare' && parts[1] && parts[2]) await comparePage(parts[1], parts[2]);
    else if (parts[0] === 'live') await livePage(parts[1]);
    else await runsPage();
  } catch (err) {
    show(message((err as Error).message, 'error'), h('p', {}, h('a', { href: '#/' }, 'Back to the list of runs')));
    ready();
  }
}

window.addEventListener('hashchange', () => void route());
void route();
