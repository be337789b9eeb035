/**
 * Device-physics benchmark: the per-call cost of the sim/device functions the fleet calls on every
 * event, each next to a baseline measured in the same run:
 *   - battery: the closed-form time to brown-out (timeToCutoffMs) vs integrating the same
 *     discharge in 1-minute steps (what a ticking simulator would do), with the two answers;
 *   - crypto timing: sampleMs('mldsa.sign') vs drawing its 3 uniforms alone (the RNG floor);
 *   - BLE: sampleTransferInto (as the fleet calls it) of the 1,088-byte ML-KEM-768 ciphertext at -70 dBm vs its RNG draws.
 * Each figure is the median of 5 repetitions.
 *
 * Run: npx tsx bench/device.bench.ts
 * @module
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { defaultProfile } from '../firmware/profiles/index.ts';
import { createRng } from '../sim/engine/index.ts';
import { createCell, createCryptoTiming, cutoffMah, linkParams, prepareLink, sampleTransferInto, timeToCutoffMs, transferSample } from '../sim/device/index.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Calls per second of `fn` run `n` times, median of 5. */
function rate(n: number, fn: (i: number) => number): { perSec: number; sink: number } {
  const rates: number[] = [];
  let sink = 0;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += fn(i);
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  return { perSec: median(rates), sink };
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(1)} k/s`);

export async function main(): Promise<void> {
  const profile = defaultProfile();
  const cell = createCell(profile, { temperatureC: 25 });
  const rows: [string, string, string, string][] = [];

  // Battery: closed form vs 1-minute ticking at 20 µA from full.
  const I = 0.02;
  const closed = rate(200_000, (i) => timeToCutoffMs(cell, cell.capacityMah - (i % 7) * 1e-3, I));
  const tick = (): number => {
    const qc = cutoffMah(cell, I);
    let q = cell.capacityMah;
    let t = 0;
    const dt = 60_000;
    while (q > qc) {
      q -= (I * dt) / 3_600_000 + cell.selfDischargePerMs * q * dt;
      t += dt;
    }
    return t;
  };
  const ticking = rate(3, tick);
  const exact = timeToCutoffMs(cell, cell.capacityMah, I);
  rows.push(['battery life, closed form', fmt(closed.perSec), `1-min ticking: ${ticking.perSec.toFixed(1)}/s`, `${(closed.perSec / ticking.perSec).toExponential(1)}× faster; answers ${(exact / 864e5).toFixed(2)} d vs ${(tick() / 864e5).toFixed(2)} d`]);

  // Crypto timing: ML-DSA-65 signing sample vs its raw uniforms.
  const timing = createCryptoTiming(profile, { kem: 'mlkem768', sig: 'mldsa65', aead: 'aesgcm' });
  const rng = createRng(1).stream('bench');
  const sign = rate(1_000_000, () => timing.sampleMs('mldsa.sign', rng));
  const floor = rate(1_000_000, () => rng.next() + rng.next() + rng.next());
  rows.push(['sampleMs(mldsa.sign)', fmt(sign.perSec), `3 × rng.next(): ${fmt(floor.perSec)}`, `${(floor.perSec / sign.perSec).toFixed(2)}× the RNG floor`]);

  // BLE transfer of a 1088-byte ciphertext at -70 dBm.
  const link = linkParams(profile, { rssiDbm: -70 });
  const prepared = prepareLink(profile, link);
  const sample = transferSample();
  const ble = rate(200_000, () => sampleTransferInto(sample, prepared, 1088, 'rx', rng).durationMs);
  const bleFloor = rate(200_000, () => rng.next() * 6);
  rows.push(['sampleTransferInto(1088 B)', fmt(ble.perSec), `6 × rng.next(): ${fmt(bleFloor.perSec * 1)}`, `${(bleFloor.perSec / ble.perSec).toFixed(1)}× the RNG floor`]);

  process.stdout.write(`device physics on ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}\n`);
  const w = [28, 12, 28];
  for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0]!)} ${r[1].padStart(w[1]!)}   ${r[2].padEnd(w[2]!)}  ${r[3]}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
