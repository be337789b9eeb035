/**
 * The Markdown report: the same findings and tables, charts as SVG files next to it
 * (charts/<id>.svg, or charts/<run>-<id>.svg for a comparison), for wikis and pull requests.
 * @module
 */
import type { ChartTable } from '../charts/index.ts';
import type { RenderedChart, RenderedRun } from './html.ts';
import { cell } from './html.ts';

/** Rows shown in Markdown before "… n more rows" (the HTML report has them all). */
const MD_ROWS = 20;

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function tableMarkdown(t: ChartTable): string {
  if (t.columns.length === 0) return '';
  const lines = [`| ${t.columns.map(mdEscape).join(' | ')} |`, `| ${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const r of t.rows.slice(0, MD_ROWS)) lines.push(`| ${r.map((c) => mdEscape(cell(c))).join(' | ')} |`);
  if (t.rows.length > MD_ROWS) lines.push(`\n_… ${t.rows.length - MD_ROWS} more rows in the HTML report._`);
  return lines.join('\n');
}

export function chartMarkdown(c: RenderedChart, svgPath: string | null, level = '##'): string {
  const s = c.spec;
  const img = c.svg && svgPath ? `![${mdEscape(s.title)}](${svgPath})` : `> **No chart:** ${s.empty ?? 'no data.'}`;
  return [`${level} ${s.title}`, '', `_${s.subtitle}_`, '', img, '', tableMarkdown(s.table), ''].join('\n');
}

export function runReportMarkdown(run: RenderedRun, svgPath: (c: RenderedChart) => string): string {
  const v = run.view;
  const m = v.manifest;
  const head = [
    `# keytwin run report: ${m.scenario.name}`, '',
    `Run \`${m.runId}\` · seed ${m.seed} · ${m.devices} keychains × ${m.durationDays} days · profile ${m.profile} · suites ${Object.keys(v.summary.suites).join(', ')} · code ${m.codeVersion}`, '',
  ];
  return [...head, ...run.charts.map((c) => chartMarkdown(c, svgPath(c)))].join('\n');
}

export function compareReportMarkdown(a: RenderedRun, b: RenderedRun, comparison: RenderedChart[], labels: [string, string], svgPath: (c: RenderedChart, run: 'A' | 'B' | 'vs') => string): string {
  const out = [`# keytwin comparison: ${labels[1]} vs ${labels[0]}`, '', `A: \`${a.view.id}\` (${labels[0]}) · B: \`${b.view.id}\` (${labels[1]})`, ''];
  for (const c of comparison) out.push(chartMarkdown(c, svgPath(c, 'vs')));
  a.charts.forEach((ca, i) => {
    const cb = b.charts[i]!;
    out.push(`## ${ca.spec.id}`, '', chartMarkdown(ca, svgPath(ca, 'A'), '### A:'), chartMarkdown(cb, svgPath(cb, 'B'), '### B:'));
  });
  return out.join('\n');
}
