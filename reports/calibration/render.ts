/**
 * Plot options → standalone SVG text, server-side (linkedom document), for the calibration report.
 * Kept here rather than shared with reports/render-svg.ts, whose chart specs are moving to charts/:
 * the calibration charts are plain Plot options and need nothing else.
 * @module
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export function plotSvg(options: Plot.PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({
    ...options,
    document: document as unknown as Document,
    style: {
      fontFamily: 'DejaVu Sans, sans-serif',
      fontSize: '11px',
      background: 'white',
      overflow: 'visible',
    },
  });
  // A legend or title would wrap the SVG in an HTML <figure>: these charts never ask for one.
  if (el.tagName.toLowerCase() !== 'svg')
    throw new Error(`calibration chart: Plot returned <${el.tagName.toLowerCase()}>, not <svg>`);
  el.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return el.outerHTML;
}
