/**
 * The calibration report (`keytwin calibrate --report DIR`): HTML with server-rendered Plot SVG.
 * @module
 */
export { calibrationReportHtml } from './page.ts';
export { distributionChart, rateChart, traceChart, stateChart, decimate } from './charts.ts';
