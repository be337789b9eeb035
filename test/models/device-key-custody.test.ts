/**
 * Key custody on every path of the device statechart (docs/protocol.md, "Key storage"): the PQ
 * private keys are unwrapped into RAM before a handshake and wiped after it, whichever way it ends.
 *
 * A monitor follows, along every path of the exhaustive exploration (device × monitor product),
 * what plaintext key material is in RAM, from the operations the machine performs, not from its
 * tags: the KEK derivation or the unwrap puts some there ('partial'), the unwrap's op.done puts
 * both keys there ('unwrapped'), provisioning's keygen puts fresh keys there ('generated'); a
 * `keys.wipe` state's op.done, `zeroizeKeys` (tamper, decommission) or power loss clears it.
 * NOTE on power loss: the ESP32-S3's SRAM is not retained without supply, and the firmware keeps
 * the key buffer in .bss, which the C start-up code zeroes on the next boot.
 *
 * Checked on every step: no sleep or idle state (rest, cooldown, lockout, session idle, PIN wait)
 * is reached with key material in RAM; a handshake is entered only with both keys unwrapped (the
 * handshake machine, which does the decapsulation and the signature, runs only while the device
 * is in a `handshake` state: sim/twin/partition-device.ts); the `keys` tag is on exactly the
 * states that hold key material outside a wipe. And over the compiled handshake machine: no
 * decapsulation or signature is reachable once established, so wiping the keys as the session's
 * first step takes nothing the session needs. Mutated machines show the checks can fail.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { deviceCatalog, deviceMachine } from '../../models/device/index.ts';
import { machines } from '../../models/index.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
import { explore, snapshotKey, type Monitor, type Step } from './device-graph.helpers.ts';

type Ram = 'none' | 'partial' | 'unwrapped' | 'generated';

/** The `meta.op` of the atomic state a snapshot is in (one timed op per configuration). */
function opOf(s: AnyMachineSnapshot): string | undefined {
  for (const m of Object.values(s.getMeta() as Record<string, { op?: string } | undefined>)) if (m?.op) return m.op;
  return undefined;
}

const SLEEP_OR_IDLE = ['rest', 'power:deepSleep', 'power:lightSleep', 'power:idle', 'power:charging'];
const isSleepOrIdle = (s: AnyMachineSnapshot): boolean => SLEEP_OR_IDLE.some((t) => s.hasTag(t));
const where = (s: AnyMachineSnapshot): string => JSON.stringify(s.value);

const custody: Monitor<Ram> = {
  initial: 'none',
  key: (m) => m,
  step(m, { from, event, to, actions }: Step): Ram {
    if (to.hasTag('power:off') || actions.some((a) => a.type === 'zeroizeKeys')) return 'none';
    if (event.type === 'op.done' && opOf(from) === 'keys.wipe') return 'none';
    if (event.type === 'op.done' && opOf(from) === 'keys.unwrap') return 'unwrapped';
    const op = opOf(to);
    if (m === 'none' && op === 'keys.generate') return 'generated';
    if (m === 'none' && (op === 'keys.kek' || op === 'keys.unwrap')) return 'partial';
    return m;
  },
  check(_m, n, { from, to }: Step): string | null {
    if (n !== 'none' && isSleepOrIdle(to)) return `${n} key material in RAM at ${where(to)} (sleep/idle without a wipe)`;
    if (to.hasTag('handshake') && !from.hasTag('handshake') && n !== 'unwrapped') return `handshake entered at ${where(to)} with keys ${n}`;
    const held = to.hasTag('keys');
    if (held && n === 'none') return `${where(to)} is tagged keys but holds none`;
    if (!held && n !== 'none' && !to.hasTag('wipe')) return `${n} key material in RAM at ${where(to)}, which is tagged neither keys nor wipe`;
    return null;
  },
};

const entry = machines.device!;

function exploreCustody(machine: AnyStateMachine, input: unknown = entry.input) {
  return explore(machine, deviceCatalog, input, custody);
}

describe('device machine: PQ key custody on every path', () => {
  const deep = exploreCustody(deviceMachine);
  const light = exploreCustody(deviceMachine, { ...(entry.input as object), keepsStackInSleep: true });
  const unprovisioned = exploreCustody(deviceMachine, { ...(entry.input as object), lifecycle: 'unprovisioned' });

  it('no path sleeps or idles with key material in RAM, and every handshake starts with both keys unwrapped', () => {
    expect(deep.violations).toEqual([]);
    expect(light.violations).toEqual([]);
    expect(unprovisioned.violations).toEqual([]);
  });

  it('the exploration covers the key states: unwrap and wipe in both handshake flows, and provisioning', () => {
    const ops = new Set<string>();
    for (const s of [...deep.configs.values(), ...unprovisioned.configs.values()]) {
      const op = opOf(s);
      if (op?.startsWith('keys.')) ops.add(`${Object.keys(s.value as object)[0]}:${op}`);
    }
    expect([...ops].sort()).toEqual([
      'override:keys.kek',
      'override:keys.unwrap',
      'override:keys.wipe',
      'provisioning:keys.generate',
      'provisioning:keys.kek',
      'provisioning:keys.wipe',
      'provisioning:keys.wrap',
      'wake:keys.kek',
      'wake:keys.unwrap',
      'wake:keys.wipe',
    ]);
  });

  it('from every configuration holding keys, a wipe is reachable by op.done steps alone (no help from outside events)', () => {
    // Configuration graph restricted to op.done: the device's own progress, the twin's every timed op.
    const next = new Map<string, AnyMachineSnapshot>();
    for (const e of deep.edges) if (e.event.type === 'op.done') next.set(snapshotKey(e.from), e.to);
    for (const s of deep.configs.values()) {
      if (!s.hasTag('keys')) continue;
      let cur: AnyMachineSnapshot | undefined = s;
      const seen = new Set<string>();
      while (cur && opOf(cur) !== 'keys.wipe' && !seen.has(snapshotKey(cur))) {
        seen.add(snapshotKey(cur));
        // A handshake waits for hs.* (or its timeout), not op.done: each of its exits is a wipe.
        if (cur.hasTag('handshake')) break;
        cur = next.get(snapshotKey(cur));
      }
      if (cur?.hasTag('handshake')) continue;
      expect(cur && opOf(cur), `from ${where(s)}`).toBe('keys.wipe');
    }
  });
});

describe('handshake machine: the private-key operations end before the session', () => {
  it('no configuration reachable from an established one decapsulates or signs (the keys wiped at session start are not needed again)', () => {
    // The compiled tables of the device-role handshake machine the twin runs alongside the device.
    const hs = compileTwinMachines().handshake;
    const established = hs.tagId('established');
    const privateKeyOps = new Set(['mlkem.decaps', 'mldsa.sign']);
    const opName = (c: number): string | undefined => (hs.op[c]! >= 0 ? hs.ops[hs.op[c]!] : undefined);
    const start = Array.from({ length: hs.nConfigs }, (_, c) => c).filter((c) => hs.hasTag(c, established));
    expect(start.length).toBeGreaterThan(0);
    // Both ops exist in the machine (the check is not vacuous).
    const all = new Set(Array.from({ length: hs.nConfigs }, (_, c) => opName(c)));
    for (const op of privateKeyOps) expect(all.has(op)).toBe(true);
    const seen = new Set(start);
    for (const queue = [...start]; queue.length > 0; ) {
      const c = queue.pop()!;
      expect(privateKeyOps.has(opName(c) ?? ''), `config ${JSON.stringify(hs.stateValue[c])}`).toBe(false);
      for (let e = 0; e < hs.nEvents; e++) {
        const n = hs.step(c, e);
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
  });
});

/** A copy of the device machine with the state node at `path` patched (shallow copies along the path). */
function mutate(path: readonly string[], patch: (node: Record<string, unknown>) => Record<string, unknown>): AnyStateMachine {
  type Node = Record<string, unknown> & { states?: Record<string, Node> };
  const copy = (node: Node, rest: readonly string[]): Node => {
    if (rest.length === 0) return { ...node, ...patch(node) };
    const [head, ...tail] = rest;
    return { ...node, states: { ...node.states, [head!]: copy(node.states![head!]!, tail) } };
  };
  return createMachine(copy(deviceMachine.config as unknown as Node, path) as never, deviceMachine.implementations as never);
}

describe('device machine key custody: the checker catches broken copies', () => {
  const messages = (m: AnyStateMachine) => exploreCustody(m).violations.map((v) => v.message);

  it('hs.failed straight to the failure sink (skipping the wipe) is caught', () => {
    const broken = mutate(['wake', 'handshaking'], (n) => ({ on: { ...(n.on as object), 'hs.failed': { target: '#device.failed.handshake' } } }));
    expect(messages(broken).some((m) => /key material in RAM/.test(m))).toBe(true);
  });

  it('a handshake entered straight from the connection (skipping the unwrap) is caught', () => {
    const broken = mutate(['wake', 'connecting'], (n) => ({ on: { ...(n.on as object), 'op.done': 'handshaking' } }));
    expect(messages(broken).some((m) => /handshake entered .* with keys none/.test(m))).toBe(true);
  });

  it('a session that skips its first-step wipe is caught', () => {
    const broken = mutate(['wake', 'session'], (n) => ({ initial: 'ready', states: n.states }));
    expect(messages(broken).some((m) => /unwrapped key material in RAM at .*ready/.test(m))).toBe(true);
  });
});
