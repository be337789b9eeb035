/**
 * Cloud load over time, per station. Runs without a cloud model get a spec that says so (no
 * chart), which the report and the dashboard show as a message.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { CloudLoadRow } from './run-view.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, percentClaim, round } from './format.ts';

export const NO_CLOUD_MESSAGE =
  'This run has no cloud data: the simulator did not model the cloud (no cloud section in the scenario or in the RunResult), so there is no cloud load to show.';

export function cloudLoad(rows: readonly CloudLoadRow[] | null): ChartSpec {
  const id = 'cloud-load';
  if (!rows || rows.length === 0) {
    return { id, title: 'No cloud load in this run', subtitle: NO_CLOUD_MESSAGE, plot: null, empty: NO_CLOUD_MESSAGE, table: { columns: [], rows: [] } };
  }
  const stations = [...new Set(rows.map((r) => r.station))].sort();
  const busiest = rows.reduce((a, r) => (r.utilisation > a.utilisation ? r : a));
  const data = rows.map((r) => ({ ...r, day: r.day + 1 }));
  return {
    id,
    title: `Busiest cloud station: ${busiest.station} at ${percentClaim(busiest.utilisation, busiest.utilisation < 0.01 ? 2 : 0)} utilisation on day ${num(busiest.day + 1)}`,
    subtitle: 'Requests per simulated day by cloud station.',
    plot: {
      ...FRAME,
      x: { label: 'Simulated day →' },
      y: { label: '↑ Requests per day', grid: true },
      color: { domain: stations, scheme: 'tableau10' },
      marks: [
        Plot.lineY(data, { x: 'day', y: 'requests', stroke: 'station' }),
        Plot.text(data, Plot.selectLast({ x: 'day', y: 'requests', z: 'station', text: 'station', fill: 'station', textAnchor: 'start', dx: 4 })),
        Plot.ruleY([0]),
      ],
    },
    table: { columns: ['day', 'station', 'requests', 'utilisation'], rows: data.map((r) => [r.day, r.station, r.requests, round(r.utilisation, 3)]) },
  };
}
