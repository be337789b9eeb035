/**
 * dashboards/: the local web dashboard server (drawing with charts/ in the browser), its
 * live-progress board, and Grafana dashboards (grafana/*.json).
 * @module
 */
export { parseLiveSnapshot, LiveBoard, LiveSnapshotError, MAX_LIVE_VALUES, MAX_HISTORY, type LiveSnapshot, type LiveProgressPoint } from './live.ts';
export { createLivePublisher, type LivePublisher } from './live-publisher.ts';
export { startDashboard, type DashboardOptions, type Dashboard } from './server.ts';
export { openDashboardStore, shortLivedStore, changeMarker, type RunStore } from './store-access.ts';
