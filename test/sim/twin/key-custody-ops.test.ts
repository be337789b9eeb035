/**
 * The key-custody states of the compiled device machine, as the fleet twin charges them: each
 * state's meta.op (and the provisioning flash write's `WrappedKeys` message) routes through
 * sim/twin/op-model.ts to the profile's figures, with the right phase, and costs nothing for a
 * classical suite (no wrapped keys). Durations are sampled (jitter σ ≤ 0.05), so each is
 * compared with the nominal figure within ±25 % (5σ), and the charge with duration × current.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { parseSuite, WRAP_OVERHEAD_BYTES } from '../../../firmware/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import { createCryptoTiming, suiteLevels, total, type DeviceOp } from '../../../sim/device/index.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { OpModel, parseSuites, PHASE_CRYPTO, PHASE_SE } from '../../../sim/twin/op-model.ts';
import { loadScenario, resolveScenario } from '../../../scenarios/index.ts';

const profile = defaultProfile();
const { device } = compileTwinMachines();
const SUITE_IDS = ['mlkem768-mldsa65-hybrid-aesgcm', 'classical-p256-aesgcm'];
const radio = resolveScenario(loadScenario('scenarios/quickstart.yaml'), { devices: 1, durationDays: 1 }).fleet.radio;
const model = new OpModel(profile, device, parseSuites(SUITE_IDS), radio);
const timing = createCryptoTiming(profile, suiteLevels(parseSuite(SUITE_IDS[0]!)));

/** The first compiled configuration in state `value`. */
function config(value: unknown): number {
  const c = device.stateKey.indexOf(JSON.stringify(value));
  if (c < 0) throw new Error(`no compiled configuration ${JSON.stringify(value)}`);
  return c;
}

function sample(value: unknown, suite: number) {
  const c = config(value);
  const rng = createRng(11).stream('custody');
  const o = model.sample(device.op[c]!, device.message[c]!, device.direction[c]!, suite, -60, rng, rng);
  return { op: device.ops[device.op[c]!]!, durationMs: o.durationMs, chargeMc: o.chargeMc, phase: o.phase };
}

const CASES: [unknown, DeviceOp, number, number?][] = [
  [{ wake: 'derivingKek' }, 'keys.kek', PHASE_SE],
  [{ wake: 'unwrappingKeys' }, 'keys.unwrap', PHASE_CRYPTO],
  [{ wake: { session: 'wipingKeys' } }, 'keys.wipe', PHASE_CRYPTO],
  [{ wake: 'wipingThenHandshakeFailed' }, 'keys.wipe', PHASE_CRYPTO],
  [{ provisioning: 'generatingKeys' }, 'keys.generate', PHASE_CRYPTO],
  [{ provisioning: 'derivingKek' }, 'keys.kek', PHASE_SE],
  [{ provisioning: 'wrappingKeys' }, 'keys.wrap', PHASE_CRYPTO],
  // 2,400 + 4,032 key bytes and 28 bytes of nonce and tag per blob.
  [{ provisioning: 'storingKeys' }, 'flash.write', -1, 2400 + 4032 + 2 * WRAP_OVERHEAD_BYTES],
];

describe('key custody in the fleet twin', () => {
  it.each(CASES)('%j runs %s at its profile cost', (value, op, phase, bytes) => {
    const s = sample(value, 0);
    expect(s.op).toBe(op);
    const nominal = timing.nominalMs(op, bytes);
    expect(nominal).toBeGreaterThan(0);
    expect(s.durationMs).toBeGreaterThan(nominal * 0.75);
    expect(s.durationMs).toBeLessThan(nominal * 1.25);
    expect(s.chargeMc).toBeCloseTo(total(timing.cost(op, s.durationMs).charge), 9);
    if (phase >= 0) expect(s.phase).toBe(phase);
  });

  it('a classical suite unwraps, wipes and derives nothing: 0 ms, 0 mC', () => {
    for (const value of [{ wake: 'derivingKek' }, { wake: 'unwrappingKeys' }, { wake: { session: 'wipingKeys' } }]) {
      const s = sample(value, 1);
      expect([s.durationMs, s.chargeMc]).toEqual([0, 0]);
    }
  });
});
