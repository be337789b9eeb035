/**
 * Plot in Node: a ChartSpec becomes a standalone SVG string (linkedom document, xmlns added so
 * resvg and browsers accept the file on its own) and, where wanted, a PNG via resvg.
 * @module
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { Resvg } from '@resvg/resvg-js';
import type { ChartSpec } from '../charts/index.ts';

const FONT = 'DejaVu Sans, sans-serif';

/** The x and y domains Plot picks for the spec (rendered off-screen), for charts/shareAxes. */
export function plotScales(spec: ChartSpec): { x?: readonly unknown[]; y?: readonly unknown[] } {
  if (!spec.plot) return {};
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({ ...spec.plot, document: document as unknown as Document });
  return { x: el.scale('x')?.domain as readonly unknown[] | undefined, y: el.scale('y')?.domain as readonly unknown[] | undefined };
}

/** Renders the spec's Plot options to SVG text; null for a chart without data. */
export function renderSvg(spec: ChartSpec): string | null {
  if (!spec.plot) return null;
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({
    ...spec.plot,
    document: document as unknown as Document,
    style: { fontFamily: FONT, fontSize: '11px', background: 'white', overflow: 'visible' },
  });
  if (el.tagName.toLowerCase() !== 'svg') {
    // A Plot legend or title would wrap the chart in an HTML <figure>: the charts must not ask for one.
    throw new Error(`chart '${spec.id}': Plot returned <${el.tagName.toLowerCase()}>, not <svg> (no legends or titles inside Plot options)`);
  }
  el.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return el.outerHTML;
}

/** SVG text to PNG bytes at `zoom`× (2 gives crisp images in Markdown viewers). */
export function svgToPng(svg: string, zoom = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
