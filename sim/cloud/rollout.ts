/**
 * The OTA rollout plan: when each wave starts, how many keychains it updates, how many updates
 * fail, and whether the rollout halts. The decisions are the models/cloud `rollout` statechart's
 * (compiled by sim/statechart, never re-implemented here): this module only plays the events the
 * machine reacts to (`rollout.started`, `wave.completed` with the verdict of `waveVerdict`, the
 * machine's own deadline timer) and reads its actions (`startWave`, `recordHalt`,
 * `recordComplete`) and context (`wave`). The cloud model then turns each wave into a thundering
 * herd of manifest checks and image downloads.
 * @module
 */
import { compileMachine, OUTPUT_ACTION, OUTPUT_CANCEL_TIMER, OUTPUT_SET_TIMER, type CompiledMachine } from '../statechart/index.ts';
import { rolloutCatalog, rolloutMachine, ROLLOUT_WAVES, waveVerdict, type RolloutContext } from '../../models/cloud/index.ts';
import type { Rng } from '../engine/index.ts';
import type { OtaRelease } from './config.ts';
import type { RolloutPlan, WavePlan } from '../../results/index.ts';
import { HOUR_MS } from '../../units/index.ts';

/** Compiles the rollout machine with the release's wave deadline. */
export function compileRollout(release: OtaRelease): CompiledMachine {
  return compileMachine(rolloutMachine, rolloutCatalog, { name: 'cloud.rollout', input: { waveDeadlineMs: release.waveDeadlineHours * HOUR_MS } });
}

interface Pending {
  atMs: number;
  /** 0: a wave verdict, 1: a machine timer (verdicts win ties: the report arrived in time). */
  order: number;
  event: number;
  timer: number;
}

/**
 * Plays the rollout up to `horizonMs`.
 * @param devices fleet size; wave k updates round(cumulative share) − round(previous) devices
 * @param rng the stream for update failures
 */
export function planRollout(release: OtaRelease, devices: number, horizonMs: number, rng: Rng, machine: CompiledMachine = compileRollout(release)): RolloutPlan {
  if (release.waves.length !== ROLLOUT_WAVES + 1) {
    throw new RangeError(`planRollout: ota.waves: expected ${ROLLOUT_WAVES + 1} shares (the canary and ${ROLLOUT_WAVES} waves of models/cloud), got ${release.waves.length}`);
  }
  const m = machine;
  const evStarted = m.eventId('rollout.started');
  const evVerdict = { below: m.eventId('wave.completed', { failureRate: 'below' }), above: m.eventId('wave.completed', { failureRate: 'above' }) };
  const actStart = m.actionId('startWave');
  const actHalt = m.actionId('recordHalt');
  const waves: WavePlan[] = [];
  const pending: Pending[] = [];
  let config = m.initial;
  let now = release.atHour * HOUR_MS;
  let haltedAtMs: number | null = null;
  const cumulative = (k: number) => Math.round(release.waves.slice(0, k + 1).reduce((a, b) => a + b, 0) * devices);

  const send = (event: number): void => {
    const list = m.outputsOf(config, event);
    config = m.step(config, event);
    for (let i = m.outputStart[list]!; i < m.outputStart[list + 1]!; i++) {
      const kind = m.outputKind[i]!;
      const arg = m.outputArg[i]!;
      if (kind === OUTPUT_SET_TIMER) {
        removeTimer(arg);
        pending.push({ atMs: now + m.outputDelay[i]!, order: 1, event: m.timers[arg]!.event, timer: arg });
      } else if (kind === OUTPUT_CANCEL_TIMER) removeTimer(arg);
      else if (kind === OUTPUT_ACTION && arg === actHalt) haltedAtMs = now;
      else if (kind === OUTPUT_ACTION && arg === actStart) startWave();
    }
  };
  const removeTimer = (timer: number): void => {
    const i = pending.findIndex((p) => p.order === 1 && p.timer === timer);
    if (i >= 0) pending.splice(i, 1);
  };
  const startWave = (): void => {
    // The machine's context says which wave starts (a resumed wave re-runs; here none resumes).
    const wave = (m.context[config] as RolloutContext).wave;
    const n = cumulative(wave) - (wave > 0 ? cumulative(wave - 1) : 0);
    let failed = 0;
    for (let i = 0; i < n; i++) if (rng.next() < release.deviceFailureRate) failed++;
    waves.push({ wave, startMs: now, devices: n, failed, verdict: null });
    const verdict = n > 0 ? waveVerdict(failed, n, release.haltRate) : 'below';
    pending.push({ atMs: now + release.waveIntervalHours * HOUR_MS, order: 0, event: evVerdict[verdict], timer: -1 });
  };

  if (now <= horizonMs) send(evStarted);
  for (;;) {
    pending.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    const next = pending[0];
    if (next === undefined || next.atMs > horizonMs || m.done[config] === 1) break;
    pending.shift();
    now = next.atMs;
    // A verdict reaching a rollout the deadline already halted changes nothing.
    if (next.order === 0 && m.handles(config, next.event)) {
      const last = waves[waves.length - 1]!;
      last.verdict = next.event === evVerdict.above ? 'above' : 'below';
    }
    send(next.event);
  }
  const ctx = m.context[config] as RolloutContext;
  return { waves, state: m.stateKey[config]!.replace(/"/g, '') as RolloutPlan['state'], haltReason: ctx.haltReason, haltedAtMs };
}
