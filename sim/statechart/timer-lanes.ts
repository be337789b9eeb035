/**
 * Timer lanes: which of a compiled machine's timers can share one agenda slot.
 *
 * A fleet keeps one agenda slot per pending timer per keychain, 16 bytes each; the device machine
 * has 8 timers and the handshake 3, but a machine in one state waits on one or two of them. Two
 * timers may share a slot (a lane) when no reachable moment has both pending. The pending sets
 * are found by exploring the tables themselves (not the statechart source): from (configuration,
 * pending timers), every event the table handles, with the timer outputs applied in order, and
 * every pending timer firing (it leaves the set, then its event is taken). Any event may arrive
 * at any time, which over-approximates what the fleet sends: more sets, never fewer, so the lanes
 * are safe for any input. Lanes are then a greedy colouring of the "pending together" graph.
 *
 * Sharing needs one rule from the consumer: a cancel clears the lane only if the lane still holds
 * that timer (an output list may set the lane's other timer before cancelling this one).
 * @module
 */
import { OUTPUT_CANCEL_TIMER, OUTPUT_SET_TIMER, type CompiledMachine } from './compiled-machine.ts';

export interface TimerLanes {
  /** Lane of each timer. */
  readonly lane: Uint8Array;
  /** Number of lanes (slots a keychain needs for this machine's timers). */
  readonly lanes: number;
  /** Every pending set reached, as bit masks (for tests and documentation). */
  readonly pendingSets: readonly number[];
}

const cache = new WeakMap<CompiledMachine, TimerLanes>();

export function timerLanes(m: CompiledMachine): TimerLanes {
  let lanes = cache.get(m);
  if (!lanes) cache.set(m, (lanes = computeLanes(m)));
  return lanes;
}

function computeLanes(m: CompiledMachine): TimerLanes {
  const nt = m.timers.length;
  if (nt > 30) throw new Error(`${m.name}: ${nt} timers; timer lanes track at most 30`);
  const apply = (pending: number, list: number): number => {
    const end = m.outputStart[list + 1]!;
    for (let i = m.outputStart[list]!; i < end; i++) {
      const kind = m.outputKind[i];
      if (kind === OUTPUT_SET_TIMER) pending |= 1 << m.outputArg[i]!;
      else if (kind === OUTPUT_CANCEL_TIMER) pending &= ~(1 << m.outputArg[i]!);
    }
    return pending;
  };
  const seen = new Set<number>();
  const key = (cfg: number, pending: number) => cfg * 2 ** nt + pending;
  const queue: [number, number][] = [];
  const visit = (cfg: number, pending: number) => {
    const k = key(cfg, pending);
    if (!seen.has(k)) {
      seen.add(k);
      queue.push([cfg, pending]);
    }
  };
  visit(m.initial, apply(0, m.initialOutputs));
  const sets = new Set<number>();
  while (queue.length > 0) {
    const [cfg, pending] = queue.pop()!;
    sets.add(pending);
    const take = (p: number, ev: number) => {
      const cell = cfg * m.nEvents + ev;
      const next = m.next[cell]!;
      if (next >= 0) visit(next, apply(p, m.outputList[cell]!));
      else visit(cfg, p);
    };
    for (let ev = 0; ev < m.nEvents; ev++) take(pending, ev);
    for (let t = 0; t < nt; t++) if (pending & (1 << t)) take(pending & ~(1 << t), m.timers[t]!.event);
  }
  // Greedy colouring, timers in index order: a lane is free for t if no set holds t with one of its timers.
  const together = new Uint32Array(nt);
  for (const s of sets) for (let t = 0; t < nt; t++) if (s & (1 << t)) together[t]! |= s & ~(1 << t);
  const lane = new Uint8Array(nt);
  let count = 0;
  for (let t = 0; t < nt; t++) {
    let used = 0;
    for (let u = 0; u < t; u++) if (together[t]! & (1 << u)) used |= 1 << lane[u]!;
    let l = 0;
    while (used & (1 << l)) l++;
    lane[t] = l;
    count = Math.max(count, l + 1);
  }
  return { lane, lanes: count, pendingSets: [...sets].sort((a, b) => a - b) };
}
