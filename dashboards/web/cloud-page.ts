/**
 * A run's cloud view: load per simulated hour and station as utilisation, mean queue and p99
 * latency (charts/cloud-hourly.ts), each with the OTA rollout's waves and halt on the timeline,
 * and the rollout's waves as a table.
 * @module
 */
import { cloudHourlyCharts, num, type RunView } from '../../charts/index.ts';
import { HOUR_MS } from '../../units/index.ts';
import type { RolloutPlan } from '../../results/index.ts';
import { chartEl } from './chart-section.ts';
import { api, h, message, runName } from './dom.ts';

function wavesTable(rollout: RolloutPlan): HTMLElement {
  const t = h('table', { class: 'runs', id: 'rollout-waves' }, h('tr', {}, ...['wave', 'starts (hour)', 'keychains', 'failed updates', 'verdict'].map((c, i) => h('th', { class: i === 0 ? 'l' : '' }, c))));
  for (const w of rollout.waves) {
    t.append(h('tr', {}, h('td', { class: 'l' }, w.wave === 0 ? 'canary' : `wave ${w.wave}`), h('td', {}, num(w.startMs / HOUR_MS, 1)), h('td', {}, num(w.devices)), h('td', {}, num(w.failed)),
      h('td', {}, w.verdict === null ? 'none before the run ended' : w.verdict === 'above' ? 'above the halt rate' : 'below the halt rate')));
  }
  return t;
}

export async function cloudPage(id: string, show: (...nodes: Node[]) => void, append: (node: Node) => void): Promise<void> {
  show(h('p', {}, `Loading run ${id}…`));
  const view = await api<RunView>(`/api/runs/${encodeURIComponent(id)}`);
  const name = runName({ scenario: view.manifest.scenario.name, startedAt: view.manifest.startedAt, seed: view.manifest.seed });
  const header = [h('h2', { class: 'page' }, `Cloud: ${name}`), h('p', { class: 'runid' }, 'run id ', h('code', {}, view.id), ' · ', h('a', { href: `#/run/${encodeURIComponent(view.id)}` }, 'back to the run'))];
  if (!view.cloudDetail) {
    show(...header, message('This run did not model the cloud (its scenario has no cloud section), so there is no cloud load to show.'));
    return;
  }
  const rollout = view.cloudDetail.rollout;
  show(...header, ...(rollout ? [h('h3', {}, `OTA rollout: ${rollout.state}`), wavesTable(rollout)] : []));
  // One chart per frame: a year of hourly rows per station is a lot of SVG.
  for (const spec of cloudHourlyCharts(view.cloudDetail)) {
    append(chartEl(spec, `${name}-cloud`));
    await new Promise((r) => requestAnimationFrame(r));
  }
}
