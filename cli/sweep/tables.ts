/**
 * The sweep's printed tables: per point, each headline metric's mean over replications with its
 * 95 % t-interval; against the baseline, each paired difference with its interval and whether it
 * is distinguishable from none. Every table states its population and the interval's basis.
 * @module
 */
import type { MetricDifference, MetricInterval } from '../../stats/index.ts';
import { num, table } from '../summary-table.ts';

function interval(lo: number, hi: number): string {
  return Number.isFinite(lo) ? `${num(lo)} – ${num(hi)}` : 'n/a (1 replication)';
}

export function replicationTable(rows: readonly MetricInterval[], replications: number): string {
  const head = [['point', 'metric', 'mean', '95 % CI', 'population']];
  const body = rows.map((r) => [r.point, `${r.label} (${r.unit})`, num(r.ci.mean), interval(r.ci.lo, r.ci.hi), r.population]);
  return `Headline metrics: mean of ${replications} replication${replications === 1 ? '' : 's'}, 95 % t-interval between replications\n` + table([...head, ...body], ['l', 'l', 'r', 'r', 'l']);
}

export function differenceTable(rows: readonly MetricDifference[], baseline: string, replications: number): string {
  const head = [['point', 'metric', 'difference', '95 % CI', 'relative', 'pairs', 'verdict']];
  const body = rows.map((r) => {
    const d = r.diff;
    const verdict = Number.isFinite(d.lo) ? (d.significant ? (d.mean > 0 ? 'higher' : 'lower') : 'not significant') : 'n/a (1 pair)';
    const rel = d.baselineMean !== 0 && Number.isFinite(d.baselineMean) ? `${d.mean >= 0 ? '+' : ''}${num((100 * d.mean) / d.baselineMean)} %` : '–';
    return [r.point, `${r.label} (${r.unit})`, `${d.mean >= 0 ? '+' : ''}${num(d.mean)}`, interval(d.lo, d.hi), rel, `${d.n} ${r.pairs}`, verdict];
  });
  return (
    `Paired differences against the baseline '${baseline}' (point − baseline; ${replications} replication${replications === 1 ? '' : 's'} on common seeds; ` +
    `keychain pairs: the same keychain in the same replication)\n` +
    table([...head, ...body], ['l', 'l', 'r', 'r', 'r', 'r', 'l'])
  );
}
