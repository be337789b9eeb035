/**
 * Each shipped scenario, shrunk to a few keychains and days, against its committed summary
 * (test/golden/<scenario>.json): any change in behaviour shows up as a reviewable diff. After an
 * intended change, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/scenarios/golden.test.ts`
 * and read the diff before committing it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario, resolveScenario } from '../../scenarios/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';

const machines = compileTwinMachines();
const SCENARIOS = ['quickstart', 'office-fleet', 'kem-levels', 'lossy-radio'];

describe('golden summaries', () => {
  for (const name of SCENARIOS) {
    it(`${name}: 12 keychains × 3 days match test/golden/${name}.json`, async () => {
      const [first] = expandSweep(loadScenario(`scenarios/${name}.yaml`));
      const out = await runFleet(resolveScenario(first!, { devices: 12, durationDays: 3 }).fleet, { machines, workers: 0 });
      const text = JSON.stringify(out.summary, null, 2) + '\n';
      const file = `test/golden/${name}.json`;
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
      expect(text, `summary of ${name} changed: if intended, UPDATE_GOLDEN=1 and review the diff`).toBe(readFileSync(file, 'utf8'));
    });
  }
});
