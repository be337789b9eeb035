/**
 * Builds a report in memory (HTML, Markdown, one SVG per chart, optional PNGs) from one run or
 * two (A and B), then writes it to a directory. Building is separate from writing so the bench
 * and tests can time and inspect it without touching the disk.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../results/index.ts';
import { compareCharts, runCharts, runLabels, runView, shareAxesAll, type ChartSpec, type RunViewOptions } from '../charts/index.ts';
import { compareReportHtml, runReportHtml, type RenderedChart, type RenderedRun } from './html.ts';
import { compareReportMarkdown, runReportMarkdown } from './markdown.ts';
import { plotScales, renderSvg, svgToPng } from './render-svg.ts';

export interface ReportOptions extends RunViewOptions {
  /** A second run: the report compares A (the first) with B (this one). */
  vs?: RunResult;
  /** Also render a PNG of each chart (2× zoom). */
  png?: boolean;
}

export interface ReportFile {
  /** Path relative to the output directory. */
  path: string;
  content: string | Uint8Array;
}

export interface Report {
  html: string;
  markdown: string;
  /** Every file of the report, index.html and report.md included. */
  files: ReportFile[];
  /** Chart ids drawn (with data) and those shown as a message instead. */
  drawn: string[];
  empty: string[];
}

function render(result: RunResult, options: RunViewOptions): RenderedRun {
  const view = runView(result, options);
  return { view, charts: runCharts(view).map((spec) => ({ spec, svg: renderSvg(spec) })) };
}

/** Both runs' charts, each pair drawn on the same axes. */
function renderPair(a: RunResult, b: RunResult, options: RunViewOptions): [RenderedRun, RenderedRun] {
  const [va, vb] = [runView(a, options), runView(b, options)];
  const [ca, cb] = shareAxesAll(runCharts(va), runCharts(vb), plotScales);
  const draw = (spec: ChartSpec) => ({ spec, svg: renderSvg(spec) });
  return [{ view: va, charts: ca.map(draw) }, { view: vb, charts: cb.map(draw) }];
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export function buildReport(result: RunResult, options: ReportOptions = {}): Report {
  const pair = options.vs ? renderPair(result, options.vs, options) : null;
  const a = pair ? pair[0] : render(result, options);
  const files: ReportFile[] = [];
  const svgFiles = new Map<RenderedChart, string>();
  const add = (c: RenderedChart, prefix: string) => {
    if (!c.svg) return;
    const path = `charts/${prefix}${c.spec.id}.svg`;
    svgFiles.set(c, path);
    files.push({ path, content: c.svg });
    if (options.png) files.push({ path: path.replace(/\.svg$/, '.png'), content: svgToPng(c.svg) });
  };
  let html: string;
  let markdown: string;
  let all: RenderedChart[];
  if (options.vs) {
    const b = pair![1];
    const labels = runLabels(a.view, b.view);
    const comparison = compareCharts(a.view, b.view).map((spec) => ({ spec, svg: renderSvg(spec) }));
    comparison.forEach((c) => add(c, ''));
    a.charts.forEach((c) => add(c, `A-${safe(a.view.id)}-`));
    b.charts.forEach((c) => add(c, `B-${safe(b.view.id)}-`));
    html = compareReportHtml(a, b, comparison, labels);
    markdown = compareReportMarkdown(a, b, comparison, labels, (c) => svgFiles.get(c) ?? '');
    all = [...comparison, ...a.charts, ...b.charts];
  } else {
    a.charts.forEach((c) => add(c, ''));
    html = runReportHtml(a);
    markdown = runReportMarkdown(a, (c) => svgFiles.get(c) ?? '');
    all = a.charts;
  }
  files.unshift({ path: 'index.html', content: html }, { path: 'report.md', content: markdown });
  return {
    html,
    markdown,
    files,
    drawn: all.filter((c) => c.svg).map((c) => c.spec.id),
    empty: all.filter((c) => !c.svg).map((c) => c.spec.id),
  };
}

/** Writes every file of the report under `dir`; returns the absolute-or-given paths written. */
export async function writeReport(report: Report, dir: string): Promise<string[]> {
  await mkdir(join(dir, 'charts'), { recursive: true });
  const written: string[] = [];
  for (const f of report.files) {
    const p = join(dir, f.path);
    await writeFile(p, f.content);
    written.push(p);
  }
  return written;
}
