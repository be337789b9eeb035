/**
 * What the dashboard adds to every chart the chart functions describe: Plot tooltips on the marks
 * that carry data, and CSV and PNG downloads. Done here, in one place, so the chart functions
 * (shared with the static report, where a tooltip means nothing) stay as they are.
 * @module
 */
import type { Markish, PlotOptions } from '@observablehq/plot';
import type { ChartTable } from '../../charts/chart-spec.ts';

/** Marks whose data a reader wants to read off: shapes, not labels, rules or arrows. */
const TIP_POINTER: Record<string, string | true> = { line: 'x', area: 'x', bar: 'y', rect: true, dot: true, cell: true };

/**
 * The same Plot options with `tip` set on every data mark (line and area follow the pointer's x,
 * horizontal bars its y, the rest the nearest point). Marks are copied, never changed in place,
 * because a spec may be drawn twice (a run and a comparison).
 */
export function withTips(plot: PlotOptions): PlotOptions {
  const marks = (plot.marks ?? []).flat(Infinity as 1) as Markish[];
  return {
    ...plot,
    marks: marks.map((m) => {
      const mark = m as { ariaLabel?: string; tip?: unknown } | null;
      if (!mark || typeof mark !== 'object' || mark.tip) return m;
      const pointer = TIP_POINTER[mark.ariaLabel ?? ''];
      if (pointer === undefined) return m;
      const copy = Object.assign(Object.create(Object.getPrototypeOf(mark) as object) as object, mark) as { tip: unknown };
      copy.tip = pointer === true ? true : { pointer };
      return copy as unknown as Markish;
    }),
  };
}

/** The chart's table as CSV (RFC 4180: quoted where needed, CRLF line ends). */
export function tableCsv(table: ChartTable): string {
  const cell = (c: string | number) => {
    const s = typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '') : c;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [table.columns, ...table.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Renders a Plot SVG to PNG in the browser: serialised SVG → <img> → canvas (2× for sharpness). */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const width = svg.width.baseVal.value || svg.getBoundingClientRect().width;
  const height = svg.height.baseVal.value || svg.getBoundingClientRect().height;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  // A tooltip left open by the pointer is not part of the chart.
  clone.querySelectorAll('g[aria-label="tip"]').forEach((g) => g.replaceChildren());
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas');
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a file through a temporary <a download>. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name part from a run name or id: letters, digits, dot, dash. */
export function fileSafe(s: string): string {
  return s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'chart';
}
