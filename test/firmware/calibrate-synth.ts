// Synthetic measurements for the calibration round trip: a KTBENCH/1 log and a PPK2 / Joulescope
// trace generated from a known profile with seeded noise, printed exactly as the firmware and the
// analysers would. Lives in test/ because firmware/ may not import the simulator's seeded RNG.
import { pqcFigures, x25519Figures, type Profile } from '../../firmware/profiles/index.ts';
import { orderStats } from '../../firmware/calibrate/index.ts';
import { createRng } from '../../sim/engine/index.ts';

/** Uniforms in [0, 1) from the project's seeded sfc32 stream (sim/engine), as a plain function. */
export function rng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.next();
}

/** One standard normal draw (Box-Muller). */
export function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export const CLOCK_MHZ = 240;
export const AEAD_SIZES = [16, 64, 256, 1024];
export const SHA_SIZES = [64, 1024, 4096];
/** Fixed per-call cost of SHA-256 in the synthetic log (the profile has no such figure). */
export const SHA_OVERHEAD_MS = 0.012;

export interface SynthOptions {
  readonly runs: number;
  readonly signRuns: number;
  /** Lognormal sigma of per-run noise of the constant-time ops. */
  readonly jitter: number;
}

interface Op {
  name: string;
  bytes: number;
  ms: () => number;
  stack: number;
  runs: number;
}

/** The ops of a full ESP32-S3 bench run, each drawing one duration (ms) from `truth`. */
export function opsFrom(t: Profile, u: () => number, o: SynthOptions): Op[] {
  const j = () => Math.exp(o.jitter * normal(u));
  const ops: Op[] = [];
  const fixed = (name: string, ms: number, stack = 1200, bytes = 0) =>
    ops.push({ name, bytes, ms: () => ms * j(), stack, runs: o.runs });
  for (const l of ['mlkem512', 'mlkem768', 'mlkem1024'] as const)
    for (const op of ['keygen', 'encaps', 'decaps'] as const)
      fixed(`${l}.${op}`, pqcFigures(t, l)[op].value, op === 'decaps' ? 14_000 : 13_200);
  for (const l of ['mldsa44', 'mldsa65', 'mldsa87'] as const) {
    const f = pqcFigures(t, l);
    const s = f.sign;
    fixed(`${l}.keygen`, f.keygen.value, 20000);
    ops.push({
      name: `${l}.sign`,
      bytes: 0,
      runs: o.signRuns,
      stack: 60_000,
      ms: () => {
        let n = 1;
        while (u() >= s.p.value) n++;
        return (s.base.value + n * s.iter.value) * j();
      },
    });
    fixed(`${l}.verify`, f.verify.value, 20000);
  }
  const c = t.classical;
  fixed('x25519.scalarmult', x25519Figures(t).shared.value, 1400);
  for (const b of AEAD_SIZES) {
    fixed('aesgcm.seal', c.aeadCallOverhead.value + b / c.aesGcm.value, 900, b);
    fixed(
      'xchacha20poly1305.seal',
      c.aeadCallOverhead.value + b / c.chacha20poly1305.value,
      1100,
      b,
    );
  }
  for (const b of SHA_SIZES) fixed('sha256', SHA_OVERHEAD_MS + b / c.sha256Hw.value, 600, b);
  fixed('hkdf.sha256', c.hkdfSha256.value, 800);
  fixed('flash.erase', t.flash.sectorErase.value, 700, 4096);
  fixed('flash.write', t.flash.pageProgram.value, 700, 256);
  // Wake-to-app has boot-path variance well above the crypto's: 5 %.
  ops.push({
    name: 'wake.deepsleep',
    bytes: 0,
    ms: () => t.mcu.deepSleepWakeToApp.value * Math.exp(0.05 * normal(u)),
    stack: -1,
    runs: 20,
  });
  return ops;
}

/** A KTBENCH/1 log of `ops`, interleaved with ESP-IDF noise lines as a real serial capture is. */
export function benchLog(
  ops: readonly Op[],
  u: () => number,
): { text: string; markers: Map<string, number> } {
  const L: string[] = [
    'ESP-ROM:esp32s3-20210327',
    'I (31) boot: ESP-IDF v5.5 2nd stage bootloader',
  ];
  L.push(
    'KTBENCH/1 header format=1 chip=ESP32-S3 revision=v0.2 clock_mhz=240 counter=CCOUNT compiler="gcc 14.2.0 (crosstool-NG esp-14.2.0_20241119)" flags="-O2 (CONFIG_COMPILER_OPTIMIZATION_PERF)" libs=esp-idf@v5.5,mbedtls@3.6.3,libsodium@1.0.20,mlkem-native@v1.0.0,mldsa-native@v1.0.0-beta x25519=mbedtls radio=off warmup=2 runs=50',
  );
  const markers = new Map<string, number>();
  let id = 1;
  let rows = 0;
  for (const op of ops) {
    const cycles = Array.from({ length: op.runs }, () => Math.round(op.ms() * CLOCK_MHZ * 1e3));
    const s = orderStats(cycles);
    if (op.name !== 'wake.deepsleep') {
      markers.set(`${op.name}/${op.bytes}`, id);
      L.push(`KTBENCH/1 marker id=${id++} kind=op name=${op.name} bytes=${op.bytes}`);
    }
    L.push(`KTBENCH/1 samples name=${op.name} bytes=${op.bytes} v=${cycles.join(',')}`);
    L.push(
      `KTBENCH/1 op name=${op.name} bytes=${op.bytes} n=${s.n} min=${s.min} median=${s.median} p95=${s.p95} max=${s.max} mean=${s.mean.toFixed(1)} sd=${s.sd.toFixed(1)} stack=${op.stack}`,
    );
    rows++;
    if (u() < 0.1) L.push('W (1234) wifi: not started (radio off)');
  }
  for (const st of ['active', 'idle', 'lightSleep', 'deepSleep']) {
    markers.set(`state:${st}`, id);
    L.push(
      `KTBENCH/1 marker id=${id} kind=state name=${st} bytes=0`,
      `KTBENCH/1 state id=${id++} name=${st} ms=2000`,
    );
  }
  L.push(`KTBENCH/1 end rows=${rows}`, '');
  return { text: L.join('\n'), markers };
}

export interface TraceSpec {
  readonly format: 'ppk2-string' | 'ppk2-columns' | 'joulescope';
  readonly rateHz: number;
  /** Relative noise (sd / level) and an absolute floor in mA. */
  readonly noise: number;
  readonly floorMa: number;
}

interface Phase {
  ms: number;
  mA: number;
  marker: number; // 0 = unmarked
}

/** A bench session as the analyser sees it: states held 1 s, then marked op runs with gaps. */
export function phasesFrom(t: Profile, markers: Map<string, number> | null): Phase[] {
  const m = (k: string) => markers?.get(k) ?? 0;
  const act = t.mcu.activeOneCore.value;
  const ph: Phase[] = [{ ms: 200, mA: t.mcu.idleWaiti.value, marker: 0 }];
  for (const [st, mA] of [
    ['active', act],
    ['idle', t.mcu.idleWaiti.value],
    ['lightSleep', t.mcu.lightSleep.value],
    ['deepSleep', t.mcu.deepSleepRtcPeriphOn.value],
  ] as const) {
    ph.push({ ms: 1000, mA, marker: m(`state:${st}`) });
    // As on the board: the deep-sleep marker is held through sleep and only falls when the app
    // runs again, so the wake path (at the wake current) is inside the marked segment.
    if (st === 'deepSleep')
      ph.push({
        ms: t.mcu.deepSleepWakeToApp.value,
        mA: t.mcu.deepSleepWakeCurrent.value,
        marker: m(`state:${st}`),
      });
    ph.push({ ms: 100, mA: t.mcu.idleWaiti.value, marker: 0 });
  }
  for (let i = 0; i < 20; i++)
    ph.push(
      {
        ms: t.flash.pageProgram.value,
        mA: act + t.flash.writeExtraCurrent.value,
        marker: m('flash.write/256'),
      },
      { ms: 2, mA: act, marker: 0 },
    );
  for (let i = 0; i < 5; i++)
    ph.push(
      { ms: pqcFigures(t, 'mlkem768').keygen.value, mA: act, marker: m('mlkem768.keygen/0') },
      { ms: 2, mA: act, marker: 0 },
    );
  ph.push({ ms: 200, mA: t.mcu.idleWaiti.value, marker: 0 });
  return ph;
}

export function traceCsv(phases: readonly Phase[], spec: TraceSpec, u: () => number): string {
  const dt = 1000 / spec.rateHz;
  const lines: string[] = [];
  if (spec.format === 'ppk2-string') lines.push('Timestamp(ms),Current(uA),D0-D7');
  else if (spec.format === 'ppk2-columns')
    lines.push('Timestamp(ms),Current(uA),D0,D1,D2,D3,D4,D5,D6,D7');
  else lines.push('time,current,voltage,power,charge,energy');
  let t = 0;
  let q = 0;
  for (const p of phases) {
    const end = t + p.ms;
    const bits = p.marker ? 1 | (p.marker << 1) : 0;
    const d = Array.from({ length: 8 }, (_, b) => String((bits >> b) & 1));
    for (; t < end - 1e-9; t += dt) {
      const mA = Math.max(0, p.mA + normal(u) * Math.hypot(p.mA * spec.noise, spec.floorMa));
      if (spec.format === 'joulescope') {
        q += (mA / 1e3) * (dt / 1e3);
        const v = 3.3 - mA * 1e-3 * 0.1;
        lines.push(
          `${(t / 1e3).toFixed(6)},${(mA / 1e3).toExponential(6)},${v.toFixed(5)},${((mA / 1e3) * v).toExponential(6)},${q.toExponential(6)},${(q * 3.3).toExponential(6)}`,
        );
      } else {
        const cur = (mA * 1e3).toFixed(3);
        lines.push(
          spec.format === 'ppk2-string'
            ? `${t.toFixed(3)},${cur},${d.join('')}`
            : `${t.toFixed(3)},${cur},${d.join(',')}`,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}
