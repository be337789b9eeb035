/**
 * Writes a sweep's report: DIR/index.html (self-contained) and DIR/charts/<id>.svg, drawn like
 * the run report (renderSvg), from chart specs the caller built from the sweep's analysis.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartSpec } from '../charts/index.ts';
import { sweepReportHtml } from './html.ts';
import { renderSvg } from './render-svg.ts';

export function writeSweepReport(dir: string, title: string, subtitle: string, specs: readonly ChartSpec[]): string[] {
  mkdirSync(join(dir, 'charts'), { recursive: true });
  const charts = specs.map((spec) => ({ spec, svg: renderSvg(spec) }));
  const files: string[] = [];
  for (const c of charts) {
    if (c.svg === null) continue;
    const f = join(dir, 'charts', `${c.spec.id}.svg`);
    writeFileSync(f, c.svg);
    files.push(f);
  }
  const index = join(dir, 'index.html');
  writeFileSync(index, sweepReportHtml(title, subtitle, charts));
  return [index, ...files];
}
