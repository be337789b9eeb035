/**
 * `keytwin verify`: model-checks the handshake with SPIN. Exports both statecharts of
 * models/handshake with a Dolev-Yao attacker to Promela (models/verify), checks the properties
 * within the stated bounds, then checks every mutant and requires a counterexample from each.
 * Prints what was proved, over which bounds, in how long, and each mutant's message sequence.
 * @module
 */
import { parseCommand, UsageError } from '../args.ts';
import { MUTANTS, PROPERTIES } from '../../models/verify/index.ts';
import { runSpin, spinAvailable, type SpinResult } from '../verify/spin.ts';

export const summary = 'Model-check the handshake with SPIN (both roles from the statecharts, Dolev-Yao attacker, mutants)';

const HELP = `Usage: keytwin verify [options]

Exports the phone and device statecharts (models/handshake) with a Dolev-Yao attacker to Promela
and checks them with SPIN (apt-get install spin; gcc), then checks that each mutant of the
protocol yields a counterexample.

Options:
  --deliveries <n>  messages the attacker may deliver (default 5)
  --forgeries <n>   of those, messages it forges (default 1)
  --mutant <id>     check one mutant only; 'list' prints them
  --no-mutants      check the real model only
  --json            machine-readable output
  -h, --help        this help
`;

const bounds = (r: SpinResult) =>
  `attacker delivers ≤ ${r.bounds.deliveries} messages (≤ ${r.bounds.forgeries} forged), ${r.bounds.deviceSessions} device handshakes, phone 1 handshake + 1 retry, ${r.bounds.unlocks} unlock, lockout at ${r.bounds.lockout} failure(s)`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { deliveries: { type: 'string' }, forgeries: { type: 'string' }, mutant: { type: 'string' }, 'no-mutants': { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.mutant === 'list') {
    for (const m of MUTANTS) process.stdout.write(`${m.id.padEnd(18)} ${m.description} (breaks ${m.breaks})\n`);
    return 0;
  }
  if (values.mutant && !MUTANTS.some((m) => m.id === values.mutant)) throw new UsageError(`unknown mutant '${values.mutant}'; 'list' prints them`);
  const int = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 9) throw new UsageError(`--${name} must be an integer 1..9, got '${v}'`);
    return n;
  };
  if (!spinAvailable()) throw new UsageError('spin is not installed (Debian: apt-get install spin)');
  const custom = { ...(int(values.deliveries, 'deliveries') ? { deliveries: int(values.deliveries, 'deliveries') } : {}), ...(int(values.forgeries, 'forgeries') ? { forgeries: int(values.forgeries, 'forgeries') } : {}) };
  const results: SpinResult[] = [];
  if (!values.mutant) results.push(runSpin({ bounds: custom }));
  const mutants = values.mutant ? MUTANTS.filter((m) => m.id === values.mutant) : values['no-mutants'] ? [] : MUTANTS;
  for (const m of mutants) results.push(runSpin({ mutant: m.id }));
  const real = results.find((r) => r.mutant === null);
  const caught = (r: SpinResult) => r.errors > 0;
  const pass = (!real || real.ok) && results.filter((r) => r.mutant).every(caught);
  if (values.json) {
    process.stdout.write(JSON.stringify({ pass, properties: PROPERTIES, results }, null, 2) + '\n');
    return pass ? 0 : 1;
  }
  const out: string[] = [];
  if (real) {
    out.push(real.ok ? 'PROVED (exhaustive within the bounds):' : real.errors ? 'VIOLATED:' : 'INCOMPLETE search (bounds too large for memory):');
    for (const [k, v] of Object.entries(PROPERTIES)) out.push(`  ${k.padEnd(28)} ${v}`);
    out.push(`  bounds: ${bounds(real)}`, `  ${real.states.toLocaleString('en')} states, depth ${real.depth}, ${real.seconds.toFixed(1)} s`);
    if (real.errors) out.push(`  ${real.violation}`, ...real.trace.map((l) => `    ${l}`));
    out.push('');
  }
  for (const r of results.filter((x) => x.mutant)) {
    const m = MUTANTS.find((x) => x.id === r.mutant)!;
    out.push(`mutant ${m.id}: ${m.description}`);
    out.push(caught(r) ? `  counterexample (${m.breaks}), ${r.states.toLocaleString('en')} states, ${r.seconds.toFixed(1)} s, bounds: ${bounds(r)}` : `  NOT CAUGHT within ${bounds(r)}`);
    out.push(...r.trace.slice(-30).map((l) => `    ${l}`), '');
  }
  out.push(pass ? 'verify: pass' : 'verify: FAIL');
  process.stdout.write(out.join('\n') + '\n');
  return pass ? 0 : 1;
}
