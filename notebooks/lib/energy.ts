/**
 * Browser entry of "Energy what-if": the quickstart scenario (scenarios/quickstart.yaml, bundled
 * as text) with the page's inputs written into it, validated by the scenario loader, resolved by
 * scenarios/ and run by the fleet simulator itself (sim/twin simulateFleet), in the browser. So
 * the numbers are the simulator's, with the same seed-for-seed determinism as `keytwin run`.
 * @module
 */
import { parseDocument } from 'yaml';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { parseScenario, resolveScenario } from '../../scenarios/index.ts';
import { simulateFleet } from '../../sim/twin/simulate.ts';
import type { RunSummary } from '../../results/index.ts';
import quickstartYaml from '../../scenarios/quickstart.yaml';

export const BASE_FILE = 'scenarios/quickstart.yaml';

export const ADVERTISING = {
  /** The profile's intervals, a 3 s window: today's firmware. */
  '3s': null,
  /** Apple's accessory guidance (L1): 20 ms for 30 s, then 152.5 ms (as firmware-strategies.yaml). */
  'apple-30s': { fastIntervalMs: 20, fastDurationMs: 30000, slowIntervalMs: 152.5, windowMs: 30000 },
} as const;
export type AdvertisingChoice = keyof typeof ADVERTISING;

export interface WhatIfInputs {
  /** Median of the per-device unlock rate (lognormal, the file's sigma kept). */
  unlocksPerDay: number;
  /** Median of the per-device jostle rate (lognormal, the file's sigma kept). */
  jostlesPerDay: number;
  phoneInRange: number;
  suite: string;
  sleep: 'deepSleep' | 'lightSleep';
  advertising: AdvertisingChoice;
  /** Mean of the per-device temperature (normal, the file's sd kept), °C. */
  temperatureC: number;
}

/** The inputs as the base file has them (so defaults reproduce the stored quickstart run exactly). */
export function baseInputs(): WhatIfInputs {
  const doc = parseDocument(quickstartYaml);
  const suites = doc.getIn(['fleet', 'suites']) as { toJSON(): Record<string, number> };
  return {
    unlocksPerDay: Number(doc.getIn(['behaviour', 'unlocksPerDay', 'median'])),
    jostlesPerDay: Number(doc.getIn(['behaviour', 'jostlesPerDay', 'median'])),
    phoneInRange: Number(doc.getIn(['behaviour', 'phoneInRange'])),
    suite: Object.keys(suites.toJSON())[0]!,
    sleep: 'deepSleep',
    advertising: '3s',
    temperatureC: Number(doc.getIn(['fleet', 'temperatureC', 'mean'])),
  };
}

/** The scenario text for `inputs`: the base file itself when nothing differs, else the file edited. */
export function scenarioText(inputs: WhatIfInputs): string {
  const base = baseInputs();
  if (JSON.stringify(inputs) === JSON.stringify(base)) return quickstartYaml;
  const doc = parseDocument(quickstartYaml);
  doc.setIn(['name'], 'quickstart-what-if');
  doc.setIn(['behaviour', 'unlocksPerDay', 'median'], inputs.unlocksPerDay);
  doc.setIn(['behaviour', 'jostlesPerDay', 'median'], inputs.jostlesPerDay);
  doc.setIn(['behaviour', 'phoneInRange'], inputs.phoneInRange);
  doc.setIn(['fleet', 'suites'], doc.createNode({ [inputs.suite]: 1.0 }, { flow: true }));
  doc.setIn(['fleet', 'temperatureC', 'mean'], inputs.temperatureC);
  const adv = ADVERTISING[inputs.advertising];
  doc.setIn(['firmware'], doc.createNode({ sleep: inputs.sleep, ...(adv ? { advertising: { ...adv } } : {}) }));
  return doc.toString();
}

export interface WhatIfResult {
  summary: RunSummary;
  /** sha256 of the scenario text, as a stored run's manifest records it. */
  scenarioSha256: string;
  scenarioText: string;
}

/**
 * Runs the fleet for `inputs`. Bad inputs fail in the scenario loader with its message, naming the
 * field (e.g. `behaviour.phoneInRange: expected a number in 0..1`).
 */
export function whatIf(inputs: WhatIfInputs): WhatIfResult {
  const text = scenarioText(inputs);
  const scenario = parseScenario(text, `${BASE_FILE} (what-if)`);
  const { fleet } = resolveScenario(scenario);
  const out = simulateFleet(fleet);
  return { summary: out.summary, scenarioSha256: bytesToHex(sha256(utf8ToBytes(text))), scenarioText: text };
}
