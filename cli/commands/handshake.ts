/**
 * `keytwin handshake`: runs both roles of the hybrid PQ handshake for real (the XState machines
 * driving firmware crypto) and prints the message sequence with sizes, a hex preview of each
 * field, BLE fragments at ATT MTU 247 and 517, host time per crypto step and, for attacks, the
 * check that caught it.
 * @module
 */
import { parseCommand, oneOf, UsageError } from '../args.ts';
import { ATTACK_KINDS, ATTACKS, SUITE_IDS, DEFAULT_SUITE_ID, bleFragments, bytesToHex, parseSuite } from '../../firmware/index.ts';
import { liveExpectation, runLive, type LiveResult } from '../../models/handshake/index.ts';

export const summary = 'Run the real hybrid PQ handshake (both roles), optionally under attack';

const HELP = `Usage: keytwin handshake [options]

Runs the phone and device roles of the handshake with real ML-KEM / ML-DSA / X25519 / AEAD and
prints every message byte by byte.

Options:
  --suite <id>     cipher suite (default ${DEFAULT_SUITE_ID}); 'list' prints all
  --attack <kind>  inject an attack; 'list' prints all
  --seed <s>       seed every random stream (reproducible transcript); default: CSPRNG
  --mtu 247|517    ATT MTU for the fragments column (both are always in --json)
  --json           machine-readable output
  -h, --help       this help
`;

const MTUS = ['247', '517'] as const;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      suite: { type: 'string' },
      attack: { type: 'string' },
      seed: { type: 'string' },
      mtu: { type: 'string' },
      json: { type: 'boolean' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (options: --suite, --attack, --seed, --mtu, --json)`);
  if (values.suite === 'list') return list(SUITE_IDS.map((id) => [id, '']));
  // The outcome this command shows (the live machines); the firmware driver's where it differs.
  if (values.attack === 'list') {
    return list(ATTACKS.map((a) => {
      const live = liveExpectation(a);
      const driver = live.why ? `; the firmware driver: ${a.expect.check} (${a.expect.by}), as ${live.why}` : '';
      return [a.kind, `${a.description} → ${live.check} (${live.by})${driver}`];
    }));
  }
  const suiteId = values.suite ?? DEFAULT_SUITE_ID;
  oneOf('suite', suiteId, SUITE_IDS);
  if (values.attack !== undefined) oneOf('attack', values.attack, ATTACK_KINDS);
  const mtu = Number(oneOf('mtu', values.mtu ?? '247', MTUS));
  const suite = parseSuite(suiteId);
  const attack = values.attack ? ATTACKS.find((a) => a.kind === values.attack)! : null;
  if (attack && !attack.applies(suite)) {
    const ok = SUITE_IDS.filter((id) => attack.applies(parseSuite(id)));
    throw new UsageError(`--attack ${attack.kind} does not apply to suite ${suite.id}; it needs one of: ${ok.slice(0, 6).join(', ')}${ok.length > 6 ? ', ...' : ''}`);
  }
  // One unmeasured warm-up run (its own seed) so host times show steady-state JIT-compiled code.
  runLive({ suite, seed: 'keytwin/warmup' });
  const result = runLive({ suite, attack: attack?.kind, seed: values.seed, now: () => performance.now() });
  process.stdout.write(values.json ? JSON.stringify(toJson(result, values.seed ?? null), null, 2) + '\n' : render(result, mtu, values.seed ?? null));
  return attack ? (result.established ? 1 : 0) : result.established ? 0 : 1;
}

function list(rows: [string, string][]): number {
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(rows.map(([a, b]) => (b ? `${a.padEnd(w)}  ${b}` : a)).join('\n') + '\n');
  return 0;
}

function toJson(r: LiveResult, seed: string | null) {
  return {
    suite: r.suite.id,
    seed,
    attack: r.attack,
    established: r.established,
    rejection: r.rejection,
    messages: r.messages.map((m) => ({
      name: m.name,
      from: m.from,
      to: m.to,
      bytes: m.bytes.length,
      tampered: m.tampered,
      ble: { 247: bleFragments(m.bytes, 247), 517: bleFragments(m.bytes, 517) },
      fields: m.fields.map((f) => ({ name: f.name, offset: f.offset, length: f.length, hex: bytesToHex(f.bytes) })),
      hex: bytesToHex(m.bytes),
    })),
    steps: r.steps.map((s) => ({ ...s, ms: Math.round(s.ms * 1000) / 1000 })),
    final: r.final,
    unlocked: r.unlocked,
  };
}

const tty = Boolean(process.stdout.isTTY);
const c = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => c('1', s);
const dim = (s: string) => c('2', s);
const red = (s: string) => c('31', s);
const green = (s: string) => c('32', s);

function preview(b: Uint8Array): string {
  const hex = bytesToHex(b);
  return hex.length <= 16 ? hex : `${hex.slice(0, 12)}…${hex.slice(-4)}`;
}

function table(rows: string[][], align: ('l' | 'r')[]): string {
  const vis = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => vis(r[i] ?? ''))));
  return rows
    .map((r) => r.map((cell, i) => (align[i] === 'r' ? ' '.repeat(widths[i]! - vis(cell)) + cell : cell + ' '.repeat(widths[i]! - vis(cell)))).join('  ').trimEnd())
    .join('\n');
}

function render(r: LiveResult, mtu: number, seed: string | null): string {
  const out: string[] = [];
  out.push(bold(`keytwin handshake  ${r.suite.id}`) + dim(`  seed ${seed ?? '(CSPRNG)'}${r.attack ? `  attack ${r.attack}` : ''}`));
  out.push('');
  const rows: string[][] = [[bold('#'), bold('message'), bold('dir'), bold('bytes'), bold(`ATT@${mtu}`), bold('LL'), bold('@247'), bold('@517'), bold('')]];
  r.messages.forEach((m, i) => {
    const f = bleFragments(m.bytes, mtu);
    const arrow = m.from === 'phone' ? 'phone → device' : 'device → phone';
    rows.push([String(i + 1), m.tampered ? red(m.name + ' ✎') : m.name, m.to === m.from ? red(`${m.from} ↺ ${m.to}`) : arrow, String(m.bytes.length), String(f.attPdus), String(f.llPdus), String(bleFragments(m.bytes, 247).attPdus), String(bleFragments(m.bytes, 517).attPdus), '']);
    for (const fld of m.fields) rows.push(['', dim(`  ${fld.name}`), dim(`@${fld.offset}`), dim(String(fld.length)), '', '', '', '', dim(preview(fld.bytes))]);
  });
  out.push(table(rows, ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']));
  out.push(dim(`ATT/LL: ATT PDUs (MTU−3 message bytes each) and LL data PDUs (≤ 251 B) at MTU ${mtu}; @247/@517: ATT PDUs at each MTU. ✎ altered by the attacker.`));
  out.push('');
  const crypto = r.steps.filter((s) => s.op !== 'ble.transfer');
  const srows: string[][] = [[bold('role'), bold('state'), bold('op'), bold('host ms'), bold('')]];
  for (const s of crypto) srows.push([s.role, s.state, s.op, s.ms.toFixed(2), s.ok ? '' : red('✗')]);
  const total = (role: string) => crypto.filter((s) => s.role === role).reduce((a, s) => a + s.ms, 0);
  srows.push(['', '', dim('total phone / device'), `${total('phone').toFixed(2)} / ${total('device').toFixed(2)}`, '']);
  out.push(table(srows, ['l', 'l', 'l', 'r', 'l']));
  out.push(dim('host ms: this machine, after one warm-up run (pure-JS noble); the simulator uses the calibration profile instead.'));
  out.push('');
  if (r.established) out.push(green(`✓ established: device signature verified, phone credential verified; ${r.unlocked} unlock(s); keys destroyed at close`));
  else if (r.rejection) {
    out.push(red(`✗ rejected by the ${r.rejection.by} in state ${r.rejection.state}: check ${bold(r.rejection.check)}`));
    out.push(dim(`  ${r.rejection.message}`));
  }
  out.push(dim(`final: phone ${r.final.phone.state} (keys ${r.final.phone.keys}), device ${r.final.device.state} (keys ${r.final.device.keys})`));
  return out.join('\n') + '\n';
}
