/**
 * Every figure the default profile declares is used by the simulator (or it should not be there).
 *
 * The profile is wrapped in a Proxy that records which leaves' numbers are read; the simulator's
 * consumers then run on it: the crypto-timing tables of every suite (every operation's duration
 * and cost, under each implementation choice), the battery cell, the power-mode currents,
 * the BLE and NFC physics, and one short fleet run per suite through sim/twin's simulateFleet with
 * OTA and NFC taps switched on. Any quantity, choice or table that nobody read fails the test by
 * name: wire it in or remove it from spec.ts and the JSON.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_PROFILE_FILE, defaultProfile, PROFILE_SPEC, validateProfile, type Profile } from '../../firmware/profiles/index.ts';
import { SUITES } from '../../firmware/index.ts';
import { createRng } from '../../sim/engine/index.ts';
import {
  advertisingParams,
  batteryCurrentMa,
  createCell,
  createCryptoTiming,
  DEVICE_OPS,
  linkParams,
  PHONE_OPS,
  modeTable,
  nfcTransfer,
  POWER_MODES,
  sampleConnectInto,
  sampleDiscoveryInto,
  sampleNfcTransfer,
  sampleTransferInto,
  prepareLink,
  transferSample,
  zero,
  suiteLevels,
  type DeviceOp,
} from '../../sim/device/index.ts';
import { simulateFleet } from '../../sim/twin/simulate.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
import { resolveScenario } from '../../scenarios/index.ts';
import { loadScenario } from '../../scenarios/index.ts';

/**
 * Leaves no simulator code needs to read, each with the reason. Only the validator's own inputs
 * and sections owned by other work belong here.
 */
const ALLOWED_UNREAD: readonly (readonly [RegExp, string])[] = [
  [/^pqc\.defaults$/, 'the validator checks it names real levels; suites, not the profile, pick the levels a run uses'],
  [/^battery\.vMax$/, 'the validator checks vSystemMin < vMax (the charge voltage bounds the OCV table)'],
  [/^pqc\.mldsa\d+\.[a-z-]+\.sign\.p99$/, 'the validator checks that base + N99·iter reproduces this measured/derived tail'],
];
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

/** Every timed operation of every suite: its mean, one sample, and (device ops) its charge. */
function exerciseTimings(profile: Profile): void {
  const rng = createRng(6).stream('timing');
  for (const s of SUITES) {
    const t = createCryptoTiming(profile, suiteLevels(s));
    for (const op of [...DEVICE_OPS, ...PHONE_OPS]) {
      let id: number;
      try {
        id = t.opId(op);
      } catch {
        continue; // not available for this suite (e.g. ML-KEM in a classical suite)
      }
      const bytes = op.startsWith('aead') || op === 'flash.write' ? 100 : undefined;
      t.nominalMs(op, bytes);
      t.sampleMsById(id, rng, bytes);
      if ((DEVICE_OPS as readonly string[]).includes(op)) t.cost(op as DeviceOp, 1);
    }
  }
}

/** The default profile with every implementation choice switched to its alternative. */
function alternativeChoices(): Profile {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const j: Record<string, any> = JSON.parse(readFileSync(`firmware/profiles/${DEFAULT_PROFILE_FILE}`, 'utf8'));
  j.pqc.kemImplementation.v = 'reference';
  j.pqc.sigImplementation.v = 'reference';
  j.classical.x25519Implementation.v = 'optimised';
  return validateProfile(j, 'alternative choices');
}

function exerciseConsumers(profile: Profile): void {
  const rng = createRng(5).stream('usage');
  exerciseTimings(profile);
  createCell(profile, { temperatureC: 0 });
  modeTable(profile);
  for (const m of POWER_MODES) batteryCurrentMa(profile, m);
  const link = linkParams(profile);
  const out = transferSample();
  sampleTransferInto(out, prepareLink(profile, link), 3000, 'tx', rng);
  sampleTransferInto(out, prepareLink(profile, { ...link, phy: '1M' }), 3000, 'rx', rng);
  sampleTransferInto(out, prepareLink(profile, { ...link, phy: '1M' }), 3000, 'tx', rng);
  sampleConnectInto({ ok: true, events: 0, durationMs: 0, charge: zero() }, prepareLink(profile, link), rng);
  sampleDiscoveryInto({ ok: true, advEvents: 0, durationMs: 0, charge: zero() }, profile, advertisingParams(profile), rng);
  nfcTransfer(profile, 2000);
  sampleNfcTransfer(profile, 2000, rng);
  const machines = compileTwinMachines();
  const base = resolveScenario(loadScenario('scenarios/quickstart.yaml'), { devices: 2, durationDays: 1 }).fleet;
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

/** Declared leaves (outside the allow-list and out-of-scope sections) that no recorded read touched. */
function unread(reads: ReadonlySet<string>): string[] {
  return declaredLeaves(PROFILE_SPEC as unknown as Spec)
    .filter(([path]) => !(path.split('.')[0]! in SECTIONS_OUT_OF_SCOPE) && !ALLOWED_UNREAD.some(([re]) => re.test(path)))
    .filter(([path, kind]) => !wasRead(path, kind, reads))
    .map(([path]) => path);
}

describe('profile figures in use', () => {
  const { profile, reads } = tracked(defaultProfile());
  exerciseConsumers(profile);
  const defaultReads = new Set(reads);

  it('every quantity, choice and table of the default profile is read by the simulator', { timeout: 120_000 }, () => {
    // The figure sets a choice does not select are read when it selects them.
    const alt = tracked(alternativeChoices());
    exerciseTimings(alt.profile);
    const all = new Set([...defaultReads, ...alt.reads]);
    const left = unread(all);
    expect(left, `declared but never read by the simulator (wire in or remove):\n  ${left.join('\n  ')}`).toEqual([]);
  });

  it('the check has teeth: with the default choices only, exactly the unselected figure sets are unread', () => {
    const left = unread(defaultReads);
    // ML-KEM reference: 3 ops × 3 levels; ML-DSA reference: keygen, verify, base, iter, p, mean × 3 (p99 is
    // the validator's); X25519 optimised: keygen, shared.
    expect(left.length).toBe(3 * 3 + 3 * 6 + 2);
    expect(left.every((p) => /^pqc\.ml(kem|dsa)\d+\.reference\.|^classical\.x25519\.optimised\./.test(p))).toBe(true);
    expect(unread(new Set()).length).toBeGreaterThan(100);
  });
});
