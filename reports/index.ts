/**
 * reports/: a run (or two) → a self-contained HTML report and a Markdown report with SVG charts.
 * @module
 */
export { buildReport, writeReport, type Report, type ReportFile, type ReportOptions } from './build-report.ts';
export { plotScales, renderSvg, svgToPng } from './render-svg.ts';
export { createRunLoader, RunNotFoundError, type RunLoader } from './load-run.ts';
export { handshakeMessagesFor, handshakeTraceFor } from './handshake-messages.ts';
export { writeSweepReport } from './sweep-report.ts';
