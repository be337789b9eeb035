/**
 * scenarios/resolve.ts: one resolution of a scenario into the fleet's and the capacity model's
 * configuration, with command-line values checked by the file's own field rules, and one set of
 * rules for the cloud section (what the scenario accepts, the capacity model accepts).
 */
import { describe, expect, it } from 'vitest';
import { checkOverrides, OverrideError, parseScenario, resolveScenario, resolveSinks, ScenarioError } from '../../scenarios/index.ts';
import { validateCloudConfig } from '../../sim/cloud/index.ts';

const BASE = `name: r
seed: 1
devices: 10
duration: 2d
fleet:
  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }
behaviour:
  unlocksPerDay: 8
`;

function firstProblem(text: string): string {
  try {
    parseScenario(text, 'r.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message.split('\n')[0]!;
  }
  throw new Error('scenario unexpectedly valid');
}

describe('resolveScenario', () => {
  it('resolves fleet and cloud from one scenario, overrides applied, devices shared', () => {
    const s = parseScenario(BASE + 'cloud:\n  attestEveryHandshakes: 1\n', 'r.yaml');
    const r = resolveScenario(s, { devices: 30, durationDays: 1 });
    expect(r.fleet).toMatchObject({ name: 'r', seed: 1, devices: 30, durationDays: 1, traceDevices: 20 });
    expect(r.cloud!.demand.devices).toBe(30);
    expect(validateCloudConfig(r.cloud!)).toEqual([]);
    expect(resolveScenario(parseScenario(BASE, 'r.yaml')).cloud).toBeNull();
  });

  it('is deterministic: a random seed comes only from the caller, and is refused without one', () => {
    const s = parseScenario(BASE.replace('seed: 1', 'seed: random'), 'r.yaml');
    expect(() => resolveScenario(s)).toThrow(/no seed source/);
    expect(resolveScenario(s, {}, () => 1234).fleet.seed).toBe(1234);
    expect(resolveScenario(parseScenario(BASE, 'r.yaml'), { seed: 'random' }, () => 99).fleet.seed).toBe(99);
  });
});

describe('checkOverrides: command-line values by the scenario field rules', () => {
  it('accepts what the file accepts', () => {
    expect(checkOverrides({ devices: '500', duration: '36h', seed: '7', trace: '0' })).toEqual({ devices: 500, durationDays: 1.5, seed: 7, traceDevices: 0 });
    // --seed random means what `seed: random` means in the file: draw one.
    expect(checkOverrides({ seed: 'random' })).toEqual({ seed: 'random' });
  });

  it('rejects what the file rejects, naming every option', () => {
    let err: unknown;
    try {
      checkOverrides({ devices: '0', duration: '21y', seed: '-1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OverrideError);
    expect((err as Error).message.split('\n')).toEqual([
      '--devices: expected an integer in 1..10000000, got 0',
      '--duration: expected a duration like 7d, 12h, 1y (units ms, s, min, h, d, w, y; at most 20y), got "21y"',
      '--seed: expected a non-negative integer, or "random" to opt in to a fresh seed, got -1',
    ]);
  });
});

describe('one set of rules for the cloud section', () => {
  it('attestEveryHandshakes: 0.5 fails while the scenario is read, not after the fleet has run', () => {
    expect(firstProblem(BASE + 'cloud:\n  attestEveryHandshakes: 0.5\n')).toBe('r.yaml:10:26: cloud.attestEveryHandshakes: expected 0 (none) or a number >= 1, got 0.5');
  });

  it.each(['0', '1', '50', '1.5'])('attestEveryHandshakes: %s passes both the scenario check and the capacity model', (v) => {
    const s = parseScenario(BASE + `cloud:\n  attestEveryHandshakes: ${v}\n`, 'r.yaml');
    expect(validateCloudConfig(resolveScenario(s).cloud!)).toEqual([]);
  });
});

describe('sinks: honoured as defaults for --store/--influx, the command line wins', () => {
  it('a postgres URL and an influx URL in the file become the run\'s sinks', () => {
    const s = parseScenario(BASE + "sinks:\n  store: postgres://postgres@127.0.0.1:5432/test\n  influx: 'http://127.0.0.1:8086?db=keytwin'\n", 'r.yaml');
    expect(resolveSinks(s, {})).toEqual({ store: 'postgres://postgres@127.0.0.1:5432/test', influx: 'http://127.0.0.1:8086?db=keytwin' });
    expect(resolveSinks(s, { store: 'none', influx: 'http://h:8428?org=o&bucket=b' })).toEqual({ store: 'none', influx: 'http://h:8428?org=o&bucket=b' });
  });

  it('refuses a store that would silently be something else, and an influx mapping nothing reads', () => {
    expect(firstProblem(BASE + 'sinks:\n  store: postgres\n')).toMatch(/^r\.yaml:10:10: sinks\.store: expected .*"postgres" alone does not say which server/);
    expect(firstProblem(BASE + 'sinks:\n  store: mysql://db/x\n')).toMatch(/sinks\.store: expected .*the scheme mysql:\/\/ is not supported/);
    expect(firstProblem(BASE + 'sinks:\n  influx: { url: "http://h:8086", bucket: b }\n')).toMatch(/sinks\.influx: expected an http\(s\) URL as --influx takes it/);
    expect(() => resolveSinks(parseScenario(BASE, 'r.yaml'), { store: 'mysql://foo' })).toThrow(/^--store: expected/);
  });
});
