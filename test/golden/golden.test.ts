/**
 * Each shipped scenario (every scenarios/*.yaml), shrunk to a few keychains and days, against its
 * committed summary (test/golden/<scenario>.json) and, when it models the cloud, the cloud
 * model's summary and daily rows (test/golden/<scenario>.cloud.json): any change in behaviour
 * shows up as a reviewable diff. A missing golden fails like a changed one, so a new scenario
 * cannot pass untested. After an intended change, or for a new scenario, regenerate with
 * `KEYTWIN_UPDATE_GOLDEN=1 npx vitest run test/golden` and read the diff before committing it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario, resolveScenario } from '../../scenarios/index.ts';
import { cloudFromFleet } from '../../cli/cloud-model.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import { twinMachinesFor } from '../../sim/twin/machines.ts';

const SCENARIOS = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
const UPDATE = process.env.KEYTWIN_UPDATE_GOLDEN === '1';
const HOW = 'run KEYTWIN_UPDATE_GOLDEN=1 npx vitest run test/golden and review the diff';

function matchGolden(file: string, value: unknown, what: string): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (UPDATE) writeFileSync(file, text);
  if (!existsSync(file)) expect.fail(`${file} is missing: the ${what} has no golden to compare against (${HOW})`);
  expect(text, `${what} changed: if intended, ${HOW}`).toBe(readFileSync(file, 'utf8'));
}

describe('golden summaries', () => {
  it('every shipped scenario is covered', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(7);
  });

  for (const name of SCENARIOS) {
    it(`${name}: 12 keychains × 3 days match test/golden/${name}.json`, async () => {
      const [first] = expandSweep(loadScenario(`scenarios/${name}.yaml`));
      const resolved = resolveScenario(first!, { devices: 12, durationDays: 3 });
      const out = await runFleet(resolved.fleet, { machines: twinMachinesFor(resolved.fleet.firmware), workers: 0 });
      matchGolden(`test/golden/${name}.json`, out.summary, `summary of ${name}`);
      const cloud = resolved.cloud && cloudFromFleet(out, resolved.cloud);
      if (cloud) matchGolden(`test/golden/${name}.cloud.json`, { summary: cloud.summary, daily: cloud.daily }, `cloud model of ${name}`);
      else expect(existsSync(`test/golden/${name}.cloud.json`), `${name} has no cloud: section; delete test/golden/${name}.cloud.json`).toBe(false);
    });
  }
});
