/**
 * What every chart function returns: the finding as a title, the Plot options that draw it, and
 * the table of numbers behind it. Chart functions are pure (rows in, spec out), so the report
 * (SVG in Node) and the dashboard (Plot in the browser) draw the same thing from the same data.
 * @module
 */
import type { PlotOptions } from '@observablehq/plot';

export type Cell = string | number;

export interface ChartTable {
  columns: string[];
  rows: Cell[][];
}

export interface ChartSpec {
  /** kebab-case; names the SVG file and the DOM section (data-chart). */
  id: string;
  /** The finding, computed from the data ("Median battery life 412 days; …"). */
  title: string;
  /** What is drawn, with units and caveats. */
  subtitle: string;
  /** Null when the run has no data for this chart; `empty` then says why. */
  plot: PlotOptions | null;
  empty?: string;
  table: ChartTable;
}

/** Common frame so every chart has the same look and margins. */
export const FRAME = { width: 760, height: 320, marginLeft: 60, marginRight: 110, marginBottom: 42 } as const;
