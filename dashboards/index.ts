/**
 * dashboards/: the local web dashboard server (drawing with charts/ in the browser), its
 * live-progress board, and Grafana dashboards (grafana/*.json).
 * @module
 */
export { parseLiveSnapshot, LiveBoard, LiveSnapshotError, MAX_LIVE_VALUES, type LiveSnapshot } from './live.ts';
export { createLivePublisher, type LivePublisher } from './live-publisher.ts';
export { startDashboard, type DashboardOptions, type Dashboard, type RunStore } from './server.ts';
