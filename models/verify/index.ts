/**
 * models/verify: exports the handshake statecharts (both roles) with a Dolev-Yao attacker to
 * Promela for SPIN. Pure string generation: cli/verify runs spin and gcc.
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import { handshakeDeviceMachine, handshakePhoneMachine } from '../handshake/index.ts';
import { ATTACKER, DEFAULT_BOUNDS, DEVICE_STEPS, INIT, PHONE_STEPS, prelude, reasonConst, type Bounds, type CryptoFlags } from './harness.ts';
import { roleProctype, stateConstants, type RoleSpec } from './role.ts';
import { flatten } from './walk.ts';
import { MUTANTS, type Mutant } from './mutants.ts';

export { DEFAULT_BOUNDS, MUTANTS, type Bounds, type Mutant, type CryptoFlags };
export { flatten } from './walk.ts';

/** What the assertions state, keyed by the name a counterexample is reported under. */
export const PROPERTIES: Readonly<Record<string, string>> = Object.freeze({
  authentication: 'the device completes only with a run of its bonded phone that derived the same keys, at most once per phone run (injective agreement); the phone completes only if a device session derived its keys',
  secrecy: 'no completed session key is derivable by the attacker (it made neither the ML-KEM ciphertext nor an X25519 share of it)',
  downgrade: 'both roles complete only with the suite the phone offered first among those the device accepts',
  'no-unlock-without-handshake': 'the device carries out an unlock only in an established session, both sides authenticated, keys live, from a record the bonded phone sealed',
  'unlock-once': 'each unlock request of the phone is carried out at most once',
  'fail-closed': 'after any failed check a role never enters or stays in an established state; entering failed always records a reason and destroys live keys',
  lockout: `the device starts no handshake once its consecutive failures reach the lockout threshold`,
});

const common = (role: string) => ({
  adoptMode: () => 'mode = ev_mode',
  setReason: () => 'reason = ev_reason',
  setTimeoutReason: (p?: Record<string, unknown>) => `reason = ${reasonConst(String(p?.reason))}`,
  countTxRetry: () => 'txRetries = (txRetries < MAX_TX_RETRIES -> txRetries + 1 : MAX_TX_RETRIES)',
  resetTxRetries: () => 'txRetries = 0',
  countRetry: () => 'retries = (retries < MAX_HANDSHAKE_RETRIES -> retries + 1 : MAX_HANDSHAKE_RETRIES); devAuth = 0; phoneAuth = 0',
  markDeviceAuthenticated: () => 'devAuth = 1',
  markPhoneAuthenticated: () => 'phoneAuth = 1',
  markKeysLive: () => 'kstate = KEYS_LIVE',
  markKeysDestroyed: () => 'if :: kstate != KEYS_NONE -> kstate = KEYS_DESTROYED :: else -> skip fi',
  destroyKeys: () => 'wiped = 1',
  recordFailure: () => (role === 'Device' ? 'failures++' : 'skip'),
  startAttempt: () => (role === 'Phone' ? 'start_attempt()' : 'skip'),
});

const GUARDS = Object.freeze({
  helloHasKem: 'ev_mode != CLASSICAL',
  hasKem: 'mode != CLASSICAL',
  hasX25519: 'mode != PQ',
  isClassical: 'mode == CLASSICAL',
  linkRetryable: 'ev_reason == R_ble_link && txRetries < MAX_TX_RETRIES',
  canRetryHandshake: 'retries < MAX_HANDSHAKE_RETRIES',
});

const CTX = 'bit ok, errs, wiped, devAuth, phoneAuth; byte ev_reason, ev_mode, reason, mode, txRetries, retries, kstate;';

const DEVICE_SPEC: RoleSpec = {
  name: 'Device',
  guards: GUARDS,
  actions: common('Device'),
  events: { 'msg.arrived': 'nempty(to_dev)', after: 'empty(to_dev)', 'session.close': 'empty(to_dev)' },
  inbox: 'to_dev',
  params: 'byte k',
  locals: `  MSG m; byte my_ch, my_x, kem, ds, my_sig, my_key = NOKEY, cf_b, cf_c, rec_hi = NOSEQ, send_seq, out_c, fa, px, j;
  ${CTX}
  mode = HYBRID; dev_alive = 1;
  assert(failures < LOCKOUT);   /* lockout: no handshake starts at the threshold */`,
};

const PHONE_SPEC: RoleSpec = {
  name: 'Phone',
  guards: GUARDS,
  actions: common('Phone'),
  events: { 'msg.arrived': 'nempty(to_ph)', after: 'empty(to_ph)', 'session.request': 'ph_reqs[r] < MAX_REQ', 'session.close': 'empty(to_ph)' },
  inbox: 'to_ph',
  params: '',
  locals: `  MSG m; byte r, attempts, my_ch, my_x, my_kem, sh_suite, sh_dn, sh_ds, sh_sig, my_key = NOKEY, rec_hi = NOSEQ, send_seq, tx, tk, tn, px, j;
  ${CTX}
  mode = MODE_OF(chosen); ph_alive = 1;`,
};

export interface ExportOptions {
  readonly bounds?: Partial<Bounds>;
  readonly mutant?: string;
  readonly phone?: AnyStateMachine;
  readonly device?: AnyStateMachine;
}

/** The whole Promela model: prelude, both roles from their charts, the attacker, init. */
export function exportPromela(options: ExportOptions = {}): { promela: string; bounds: Bounds; mutant: Mutant | null } {
  const mutant = options.mutant ? MUTANTS.find((m) => m.id === options.mutant) : null;
  if (options.mutant && !mutant) throw new RangeError(`unknown mutant '${options.mutant}'; known: ${MUTANTS.map((m) => m.id).join(', ')}`);
  const bounds = { ...DEFAULT_BOUNDS, ...mutant?.bounds, ...options.bounds };
  const device = options.device ?? mutant?.device?.() ?? handshakeDeviceMachine;
  const phone = options.phone ?? handshakePhoneMachine;
  const d = flatten(device);
  const p = flatten(phone);
  const promela = [
    prelude(bounds, mutant?.flags ?? {}),
    stateConstants('Device', d.states),
    stateConstants('Phone', p.states),
    DEVICE_STEPS,
    PHONE_STEPS,
    roleProctype(DEVICE_SPEC, d),
    roleProctype(PHONE_SPEC, p),
    ATTACKER,
    INIT,
  ].join('\n');
  return { promela, bounds, mutant: mutant ?? null };
}
