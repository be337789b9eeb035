/**
 * One chart on the page: title, subtitle, the Plot (with tooltips), CSV and PNG buttons, and the
 * numbers behind it.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { ChartSpec } from '../../charts/chart-spec.ts';
import { download, fileSafe, svgToPng, tableCsv, withTips } from './chart-tools.ts';
import { h, message } from './dom.ts';

function tableEl(spec: ChartSpec): Node {
  if (spec.table.columns.length === 0) return document.createTextNode('');
  const t = h('table', {}, h('tr', {}, ...spec.table.columns.map((c) => h('th', {}, c))));
  for (const r of spec.table.rows) t.append(h('tr', {}, ...r.map((c) => h('td', {}, typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '–') : c))));
  return spec.table.rows.length > 12 ? h('details', {}, h('summary', {}, `Numbers behind the chart (${spec.table.rows.length} rows)`), t) : t;
}

/** `name` prefixes the downloaded files (the run's name), so two runs' CSVs do not collide. */
export function chartEl(spec: ChartSpec, name: string, tag = ''): HTMLElement {
  const section = h('section', { class: 'chart', 'data-chart': spec.id, 'data-empty': spec.plot ? 'false' : 'true' });
  const title = h('h3', {});
  if (tag) title.append(h('span', { class: `tag ${tag.toLowerCase()}` }, tag));
  title.append(spec.title);
  const file = `${fileSafe(name)}-${spec.id}`;
  const tools = h('div', { class: 'tools' });
  if (spec.table.columns.length) {
    const csv = h('button', { class: 'tool', 'data-download': 'csv', title: 'The numbers behind the chart, as CSV' }, 'CSV');
    csv.addEventListener('click', () => download(`${file}.csv`, new Blob([tableCsv(spec.table)], { type: 'text/csv' })));
    tools.append(csv);
  }
  section.append(tools, title, h('p', { class: 'sub' }, spec.subtitle));
  if (spec.plot) {
    try {
      const figure = Plot.plot(withTips(spec.plot));
      section.append(figure);
      const svg = figure instanceof SVGSVGElement ? figure : figure.querySelector('svg:last-of-type');
      if (svg) {
        const png = h('button', { class: 'tool', 'data-download': 'png', title: 'The chart as a PNG image' }, 'PNG');
        png.addEventListener('click', () => {
          svgToPng(svg as SVGSVGElement).then((b) => download(`${file}.png`, b), (err: Error) => section.append(message(`The PNG could not be made: ${err.message}`, 'error')));
        });
        tools.append(png);
      }
    } catch (err) {
      section.append(message(`This chart could not be drawn: ${(err as Error).message}`, 'error'));
    }
  } else section.append(message(spec.empty ?? 'No data for this chart.'));
  section.append(tableEl(spec));
  return section;
}
