/**
 * Every figure the default profile declares is used by the simulator (or it should not be there).
 *
 * The profile is wrapped in a Proxy that records which leaves' numbers are read; the simulator's
 * consumers then run on it: the crypto-timing tables of every suite (built lazily: a figure is read
 * when an operation that needs it is first resolved), the battery cell, the power-mode currents,
 * the BLE and NFC physics, and one short fleet run per suite through sim/twin's simulateFleet with
 * OTA and NFC taps switched on. Any quantity, choice or table that nobody read fails the test by
 * name: wire it in or remove it from spec.ts and the JSON.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile, PROFILE_SPEC, type Profile } from '../../firmware/profiles/index.ts';
import { SUITES } from '../../firmware/index.ts';
import { createRng } from '../../sim/engine/index.ts';
import {
  advertisingParams,
  batteryCurrentMa,
  createCell,
  createCryptoTiming,
  linkParams,
  modeTable,
  nfcTransfer,
  POWER_MODES,
  sampleConnect,
  sampleDiscovery,
  sampleNfcTransfer,
  sampleTransfer,
  suiteLevels,
} from '../../sim/device/index.ts';
import { simulateFleet } from '../../sim/twin/simulate.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
import { fleetConfig } from '../../cli/fleet-config.ts';
import { loadScenario } from '../../scenarios/index.ts';

/**
 * Leaves no simulator code needs to read, each with the reason. Only the validator's own inputs
 * and sections owned by other work belong here.
 */
const ALLOWED_UNREAD: Readonly<Record<string, string>> = {
  'pqc.defaults': 'the validator checks it names real levels; suites, not the profile, pick the levels a run uses',
};
/** Whole sections left out of this check, with the reason. */
const SECTIONS_OUT_OF_SCOPE: Readonly<Record<string, string>> = {
  sizes: 'duplicates firmware key sizes; its removal belongs to the table dedup work, not to this check',
};

type Node = Record<string, unknown>;
interface Spec {
  readonly [k: string]: Spec | { kind: string };
}

/** The declared leaves (quantities, choices, tables, mode compositions) as dotted paths with their kind. */
function declaredLeaves(spec: Spec, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, s] of Object.entries(spec)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof (s as { kind?: unknown }).kind === 'string') {
      const kind = (s as { kind: string }).kind;
      if (kind !== 'text') out.push([path, kind]);
    } else out.push(...declaredLeaves(s as Spec, path));
  }
  return out;
}

/** A deep, unfrozen copy of the profile behind proxies that record every property path read. */
function tracked(profile: Profile): { profile: Profile; reads: Set<string> } {
  const reads = new Set<string>();
  // structuredClone: a frozen object's proxy must return its own (unproxied) children.
  const wrap = (node: Node, path: string): Node =>
    new Proxy(node, {
      get(target, key, receiver) {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return v;
        const p = path ? `${path}.${key}` : key;
        reads.add(p);
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? wrap(v as Node, p) : v;
      },
    });
  return { profile: wrap(structuredClone(profile) as unknown as Node, '') as unknown as Profile, reads };
}

const PROVENANCE = new Set(['ref', 'conf', 'note', 'range', 'max', 'part', 'unit']);

/** Whether a leaf's number(s) were read: `.value` of a quantity or choice, a data column of a table, the modes object. */
function wasRead(path: string, kind: string, reads: ReadonlySet<string>): boolean {
  if (kind === 'q' || kind === 'choice') return reads.has(`${path}.value`);
  if (kind === 'modes') return [...reads].some((r) => r.startsWith(`${path}.`));
  return [...reads].some((r) => r.startsWith(`${path}.`) && !PROVENANCE.has(r.slice(path.length + 1)));
}

function exerciseConsumers(profile: Profile): void {
  const rng = createRng(5).stream('usage');
  for (const s of SUITES) createCryptoTiming(profile, suiteLevels(s));
  createCell(profile, { temperatureC: 0 });
  modeTable(profile);
  for (const m of POWER_MODES) batteryCurrentMa(profile, m);
  const link = linkParams(profile);
  sampleTransfer(profile, 3000, 'tx', link, rng);
  sampleTransfer(profile, 3000, 'rx', { ...link, phy: '1M' }, rng);
  sampleTransfer(profile, 3000, 'tx', { ...link, phy: '1M' }, rng);
  sampleConnect(profile, link, rng);
  sampleDiscovery(profile, advertisingParams(profile), rng);
  nfcTransfer(profile, 2000);
  sampleNfcTransfer(profile, 2000, rng);
  const machines = compileTwinMachines();
  const base = fleetConfig(loadScenario('scenarios/quickstart.yaml'), { devices: 2, durationDays: 1 });
  for (const s of SUITES) {
    simulateFleet(
      {
        ...base,
        profile,
        suites: { [s.id]: 1 },
        behaviour: { ...base.behaviour, nfcTapsPerYear: 3650, ota: { everyDays: 1, imageBytes: 1_000_000 } },
      },
      { machines },
    );
  }
}

describe('profile figures in use', () => {
  it('every quantity, choice and table of the default profile is read by the simulator', { timeout: 120_000 }, () => {
    const { profile, reads } = tracked(defaultProfile());
    exerciseConsumers(profile);
    const unread = declaredLeaves(PROFILE_SPEC as unknown as Spec)
      .filter(([path]) => !(path.split('.')[0]! in SECTIONS_OUT_OF_SCOPE) && !(path in ALLOWED_UNREAD))
      .filter(([path, kind]) => !wasRead(path, kind, reads))
      .map(([path]) => path);
    expect(unread, `declared but never read by the simulator (wire in or remove):\n  ${unread.join('\n  ')}`).toEqual([]);
  });

  it('the check has teeth: a consumer that reads nothing leaves every figure unread', () => {
    const { reads } = tracked(defaultProfile());
    const leaves = declaredLeaves(PROFILE_SPEC as unknown as Spec);
    expect(leaves.filter(([p, k]) => wasRead(p, k, reads))).toEqual([]);
    expect(leaves.length).toBeGreaterThan(50);
  });
});
