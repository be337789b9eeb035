/**
 * The self-contained HTML report: inline CSS, inline SVG, no script and no network, so the file
 * can be mailed or archived and opens the same anywhere. One run, or two side by side (--vs).
 * @module
 */
import type { ChartSpec, ChartTable, RunView } from '../charts/index.ts';
import { num } from '../charts/index.ts';

export interface RenderedChart {
  spec: ChartSpec;
  /** SVG text, or null when the chart has no data (spec.empty says why). */
  svg: string | null;
}

export interface RenderedRun {
  view: RunView;
  charts: RenderedChart[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
:root { color-scheme: light; --fg: #1d2433; --muted: #5b6476; --line: #dfe3ea; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", system-ui, sans-serif; color: var(--fg); margin: 0; background: #f6f7f9; }
header { background: #1d2433; color: white; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9d1e0; }
main { max-width: 1640px; margin: 0 auto; padding: 18px 28px 40px; }
section.chart { background: white; border: 1px solid var(--line); border-radius: 6px; padding: 14px 18px; margin: 16px 0; }
section.chart h2 { font-size: 17px; margin: 0 0 4px; }
section.chart p.sub { color: var(--muted); margin: 0 0 10px; }
.empty { border: 1px dashed #c0892b; background: #fff8ec; color: #7a5212; padding: 14px; border-radius: 4px; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 12px; margin-top: 8px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f2f5; }
details summary { cursor: pointer; color: var(--accent); margin-top: 6px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px; margin: 8px 0 4px; }
.fact { background: white; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.fact b { display: block; font-size: 18px; }
.fact span { color: var(--muted); font-size: 12px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.pair > section.chart { margin: 8px 0; }
.runtag { display: inline-block; font-size: 11px; font-weight: bold; color: white; background: var(--accent); border-radius: 3px; padding: 1px 6px; margin-right: 6px; }
.runtag.b { background: #e15759; }
nav a { color: var(--accent); margin-right: 12px; font-size: 13px; }
`;

/** Tables longer than this are folded into <details> so the report stays readable. */
const OPEN_ROWS = 12;

export function tableHtml(table: ChartTable): string {
  if (table.columns.length === 0) return '';
  const head = `<tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(cell(c))}</td>`).join('')}</tr>`).join('\n');
  const t = `<table>${head}\n${body}</table>`;
  return table.rows.length > OPEN_ROWS ? `<details><summary>Numbers behind the chart (${table.rows.length} rows)</summary>${t}</details>` : t;
}

export function cell(c: string | number): string {
  return typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '–') : c;
}

function chartHtml(c: RenderedChart, tag = ''): string {
  const s = c.spec;
  const body = c.svg ?? `<div class="empty" role="status">${escapeHtml(s.empty ?? 'No data.')}</div>`;
  return `<section class="chart" id="${escapeHtml(s.id)}${tag ? '-' + tag : ''}" data-chart="${escapeHtml(s.id)}" data-empty="${c.svg ? 'false' : 'true'}">
<h2>${tag ? `<span class="runtag ${tag.toLowerCase()}">${tag}</span>` : ''}${escapeHtml(s.title)}</h2>
<p class="sub">${escapeHtml(s.subtitle)}</p>
${body}
${tableHtml(s.table)}
</section>`;
}

function facts(v: RunView): string {
  const s = v.summary;
  const items: [string, string][] = [
    [num(s.devices), 'keychains'],
    [`${num(s.durationDays)} d`, 'simulated'],
    [`${num(s.battery.lifeDays.p50.value)} d (${num(s.battery.lifeDays.p50.lo)}–${num(s.battery.lifeDays.p50.hi)})`, `median time to brown-out: ${s.battery.depleted} observed, ${s.battery.censored} projected`],
    [`${num(s.unlocks.latencyMs.p95)} ms`, 'unlock latency p95'],
    [num(s.unlocks.intents), 'unlock intents'],
    [num(s.events), 'simulated events'],
  ];
  return `<div class="facts">${items.map(([b, l]) => `<div class="fact"><b>${escapeHtml(b)}</b><span>${escapeHtml(l)}</span></div>`).join('')}</div>`;
}

function runLine(v: RunView): string {
  const m = v.manifest;
  const suites = Object.keys(v.summary.suites).join(', ');
  return `run ${m.runId} · scenario ${m.scenario.name} · seed ${m.seed} · profile ${m.profile} · suites ${suites} · code ${m.codeVersion}`;
}

function page(title: string, subtitle: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<main>
${body}
</main></body></html>
`;
}

export function runReportHtml(run: RenderedRun): string {
  const v = run.view;
  const nav = `<nav>${run.charts.map((c) => `<a href="#${escapeHtml(c.spec.id)}">${escapeHtml(c.spec.id)}</a>`).join('')}</nav>`;
  return page(`keytwin run report: ${v.manifest.scenario.name}`, runLine(v), `${facts(v)}\n${nav}\n${run.charts.map((c) => chartHtml(c)).join('\n')}`);
}

export function compareReportHtml(a: RenderedRun, b: RenderedRun, comparison: RenderedChart[], labels: [string, string]): string {
  const head = `<p><span class="runtag a">A</span>${escapeHtml(labels[0])} — ${escapeHtml(runLine(a.view))}<br><span class="runtag b">B</span>${escapeHtml(labels[1])} — ${escapeHtml(runLine(b.view))}</p>`;
  const pairs = a.charts.map((ca, i) => {
    const cb = b.charts[i]!;
    return `<div class="pair">${chartHtml(ca, 'A')}${chartHtml(cb, 'B')}</div>`;
  });
  return page(
    `keytwin comparison: ${labels[1]} vs ${labels[0]}`,
    `A: ${a.view.id} · B: ${b.view.id}`,
    `${head}\n${comparison.map((c) => chartHtml(c)).join('\n')}\n${pairs.join('\n')}`,
  );
}

/** A sweep's report: its charts, one after the other (every point on each chart). */
export function sweepReportHtml(title: string, subtitle: string, charts: readonly RenderedChart[]): string {
  const nav = `<nav>${charts.map((c) => `<a href="#${escapeHtml(c.spec.id)}">${escapeHtml(c.spec.id)}</a>`).join('')}</nav>`;
  return page(title, subtitle, `${nav}\n${charts.map((c) => chartHtml(c)).join('\n')}`);
}
