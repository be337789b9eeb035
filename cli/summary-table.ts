/**
 * The end-of-run summary as aligned terminal tables: battery life across the fleet with
 * confidence intervals, unlock and handshake latency, handshake time and energy by phase,
 * failures by reason, energy by power state, events and wall time.
 * @module
 */
import type { CloudResult } from '../results/index.ts';
import type { RunManifest, RunSummary } from '../results/index.ts';
import { DAY_MS } from '../units/index.ts';
import { percentClaim } from '../charts/format.ts';

export function table(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) => r.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return x === Infinity ? '∞' : '–';
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  return x.toPrecision(digits);
}

export function formatSummary(s: RunSummary, m?: RunManifest): string {
  const out: string[] = [];
  const suites = Object.entries(s.suites).map(([id, n]) => `${id} ×${n}`).join(', ');
  out.push(`${s.scenario}: ${s.devices} keychains × ${num(s.durationDays)} days, seed ${s.seed}, ${suites}`);
  out.push('');
  const b = s.battery.lifeDays;
  const useful = s.battery.usefulLifeDays;
  const rows = (label: string, l: typeof b) => (['p5', 'p50', 'p95'] as const).map((q) => [`${label} ${q}`, num(l[q].value), `${num(l[q].lo)} – ${num(l[q].hi)}`]);
  out.push(table([['battery (days)', 'value', '95 % CI'], ...rows('brown-out', b), ...(useful ? rows('useful life', useful) : [])], ['l', 'r', 'r']));
  out.push(
    `  time to brown-out: ${s.battery.depleted} observed (browned out in the run), ${s.battery.censored} projected in closed form; mean end SoC ${(s.battery.finalSocMean * 100).toFixed(1)} %`,
  );
  if (useful) out.push(`  useful life (until low-battery mode): ${useful.observed} observed, ${useful.projected} projected`);
  out.push('');
  const u = s.unlocks.latencyMs;
  const h = s.handshake.timeMs;
  out.push(
    table(
      [
        ['latency (ms)', 'count', 'mean', 'p50', 'p95', 'p99'],
        ['unlock (wake → unlocked)', String(u.count), num(u.mean), num(u.p50), num(u.p95), num(u.p99)],
        ['handshake', String(h.count), num(h.mean), num(h.p50), num(h.p95), num(h.p99)],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push(`  unlock latency over ${u.count} completed unlocks; handshake time and the phase means below over ${s.handshake.completed} completed of ${s.handshake.started} started handshakes (${s.handshake.failed} failed)`);
  const ht = s.handshake.table;
  if (ht) out.push(`  handshakes drawn from a table of ${ht.rows} per suite and link (not run per operation): its error on a keychain's mean handshake charge ±${num(ht.chargeSePctMean)} % (1 SE; worst link ±${num(ht.chargeSePctMax)} %)`);
  out.push(`  outcomes of ${s.unlocks.intents} unlock intents:`);
  const outcomes = Object.entries(s.unlocks.outcomes).sort((a, b) => b[1] - a[1]);
  out.push(table([['outcome', 'count', 'share'], ...outcomes.map(([o, c]) => [o, String(c), pct(c, s.unlocks.intents)])], ['l', 'r', 'r']));
  out.push('');
  const t = s.handshake.meanTimeMsByPhase;
  const e = s.handshake.meanEnergyMjByPhase;
  out.push(
    table(
      [
        ['per handshake', 'radio', 'crypto', 'secure element', 'other (phone waits)'],
        ['time (ms)', num(t.radio), num(t.crypto), num(t.secureElement), num(t.other)],
        ['energy (mJ)', num(e.radio), num(e.crypto), num(e.secureElement), num(e.other)],
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  const states = Object.entries(s.energyMjPerDayByState).sort((a, b) => b[1] - a[1]);
  const totalE = states.reduce((a, [, v]) => a + v, 0);
  out.push(
    table(
      [['energy per keychain-day', 'mJ', 'share'], ...states.map(([k, v]) => [k, num(v), pct(v, totalE)])],
      ['l', 'r', 'r'],
    ),
  );
  const dead = s.battery.depleted;
  const days = Number.isInteger(s.durationDays) ? String(s.durationDays) : num(s.durationDays);
  out.push(`  mean over all keychain-days of the run (${s.devices} keychains × ${days} d)${dead > 0 ? `, the ${dead} browned-out keychains' days after included ('off': their parts' draw until the cell is empty)` : ''}`);
  out.push('');
  if (s.ota && s.ota.offered > 0) out.push(`firmware updates: ${s.ota.offered} offered in background sessions, ${s.ota.applied} applied`);
  if (s.nfcTaps) out.push(`NFC taps: ${s.nfcTaps}`);
  const fails = Object.entries(s.failures).sort((a, b) => b[1] - a[1]);
  // Named device-machine failures of every wake (intents and background sessions); the outcomes above count the intents.
  const unserved = s.unlocks.intents - (s.unlocks.outcomes.unlocked ?? 0);
  if (fails.length === 0) out.push(`named device failures: none (${unserved} of ${s.unlocks.intents} intents not unlocked, see outcomes)`);
  else out.push(table([['device failures by reason (all wakes)', 'count'], ...fails.map(([k, v]) => [k, String(v)])], ['l', 'r']));
  out.push('');
  const wall = m ? `, wall ${(m.wallMs / 1000).toFixed(1)} s (${num(m.eventsPerSecond / 1e6)} M events/s, ${m.workers} worker${m.workers > 1 ? 's' : ''})` : '';
  out.push(`events processed: ${s.events}${wall}`);
  return out.join('\n');
}

function pct(a: number, b: number): string {
  return b > 0 ? percentClaim(a / b) : '–';
}

/** The cloud capacity model's per-station table. */
export function formatCloud(c: CloudResult): string {
  const rows = [['cloud station', 'servers', 'requests', 'utilisation', 'peak hour', 'p50 ms', 'p99 ms', 'worst-day p99', 'rejected']];
  for (const s of c.summary.stations) {
    rows.push([
      `${s.station} (${s.endpoint})`,
      String(s.servers),
      String(s.requests),
      `${num(s.utilisation * 100)} %`,
      `${num(s.peakHourUtilisation * 100)} %`,
      num(s.latencyMs.p50),
      num(s.latencyMs.p99),
      num(s.worstDayP99Ms),
      String(s.rateLimited + s.queueFull),
    ]);
  }
  const r = c.summary.rollout;
  const rollout = r
    ? `\nOTA rollout: ${r.state}${r.haltReason && r.haltReason !== 'none' ? ` (${r.haltReason})` : ''}, ${r.waves.length} waves${r.haltedAtMs !== null ? `, halted at day ${num(r.haltedAtMs / DAY_MS)}` : ''}`
    : '';
  return table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']) + rollout;
}
