/**
 * Reading points back with each server's own query path: InfluxQL over InfluxDB 1.x's /query,
 * and VictoriaMetrics' /api/v1/export (JSON lines, one series per line).
 * @module
 */

export interface InfluxSeries {
  name: string;
  columns: string[];
  values: unknown[][];
}

export async function influxql(url: string, db: string, q: string): Promise<InfluxSeries[]> {
  const u = new URL('/query', url);
  u.searchParams.set('db', db);
  u.searchParams.set('q', q);
  u.searchParams.set('epoch', 'u');
  const res = await fetch(u);
  const body = (await res.json()) as { results: { series?: InfluxSeries[]; error?: string }[] };
  const r = body.results[0]!;
  if (r.error) throw new Error(`InfluxQL '${q}': ${r.error}`);
  return r.series ?? [];
}

export async function influxCount(url: string, db: string, measurement: string, field: string, runId: string): Promise<number> {
  const s = await influxql(url, db, `SELECT count("${field}") FROM "${measurement}" WHERE run_id = '${runId}'`);
  return Number(s[0]?.values[0]?.[1] ?? 0);
}

export async function createDb(url: string, db: string): Promise<void> {
  const res = await fetch(new URL('/query', url), { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${db}"` }) });
  if (!res.ok) throw new Error(`CREATE DATABASE ${db}: ${res.status}`);
}

export interface VmSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export async function vmExport(url: string, match: string): Promise<VmSeries[]> {
  const u = new URL('/api/v1/export', url);
  u.searchParams.set('match[]', match);
  const res = await fetch(u);
  if (!res.ok) throw new Error(`export ${match}: ${res.status} ${await res.text()}`);
  return (await res.text()).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as VmSeries);
}

/** VictoriaMetrics makes recently written points searchable after a short delay. */
export async function vmFlush(url: string): Promise<void> {
  await fetch(new URL('/internal/force_flush', url)).catch(() => {});
}

/** Points per metric name in a run, from the export API. */
export async function vmCounts(url: string, runId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await vmExport(url, `{run_id="${runId}"}`)) {
    const name = s.metric.__name__!;
    out[name] = (out[name] ?? 0) + s.values.length;
  }
  return out;
}
