/**
 * dashboards/: chart functions (rows → Plot options), the run view they read, the local web
 * dashboard server and its live-progress contract, and Grafana dashboards (grafana/*.json).
 * @module
 */
export type { ChartSpec, ChartTable, Cell } from './charts/chart-spec.ts';
export * from './charts/index.ts';
export { runView, orderSample, type RunView, type RunViewOptions, type HandshakeMessage, type CloudLoadRow } from './run-view.ts';
export { parseLiveSnapshot, LiveBoard, LiveSnapshotError, MAX_LIVE_VALUES, MAX_HISTORY, type LiveSnapshot, type LiveProgressPoint } from './live.ts';
export { createLivePublisher, type LivePublisher } from './live-publisher.ts';
export { startDashboard, type DashboardOptions, type Dashboard } from './server.ts';
export { openDashboardStore, shortLivedStore, changeMarker, type RunStore } from './store-access.ts';
