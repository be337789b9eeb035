/**
 * compileMachine: derive the flat tables of `CompiledMachine` from an XState v5 machine and its
 * event catalog, by exploring the machine with XState itself (never a hand-written copy).
 *
 * Method. A configuration is (state value, context, history, status); models keep context finite,
 * so the reachable set is finite. Breadth-first from the initial snapshot, every known event ×
 * payload variant is sent with `machine.transition(snapshot, event, scope)` (the pure macrostep,
 * with one reused inert actor scope whose action executor only records: 8× cheaper than the
 * public `transition()`, which builds a scope per call). The executed actions become the
 * transition's outputs (see output-pool.ts). Delayed events (`after`, delayed raise) are
 * discovered as timers are set and added as extra event ids; configurations already explored
 * are revisited for them until a fixpoint. Events that no active state node has a descriptor
 * for are marked unhandled without calling XState (most cells; ~5× faster compile). Configurations are keyed by a canonical serialisation,
 * and exploration stops with an error past `maxConfigs` (context not finite).
 *
 * Per configuration the tables also carry tags (bitset), and the hardware annotations of
 * ARCHITECTURE.md: the `power:<mode>` tag and `meta.op` / `meta.message` / `meta.direction`,
 * taken from the deepest active state node that has them (two different values at the same
 * depth, e.g. in parallel regions, is an error).
 *
 * Semantics kept from XState, checked by the differential test against a running actor:
 * transitions, eventless transitions and raised events resolved inside the macrostep, action
 * order, timer set/cancel. Not supported (clear error): invoked/spawned child actors, sendTo /
 * sendParent. One known divergence: XState keeps a still-pending timer running when a delayed
 * raise re-uses its id without a cancel (both fire); the table's consumer replaces it. `after`
 * delays always cancel on exit, so they are unaffected.
 *
 * No on-disk cache: the largest machine (device) compiles in ~1–2 s on the 2-core dev box, every
 * other one in < 0.4 s. A cache keyed on the machine's JSON definition cannot see guard/action
 * bodies or the constants they close over, so it could serve a stale table after a model edit,
 * and sim/ does no I/O. If start-up time ever matters, the composition root can cache the typed
 * arrays and re-check a sample of cells against XState on load.
 * @module
 */
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject, type StateValue } from 'xstate';
import type { CatalogEvent } from '../../models/index.ts';
import { canonicalKey } from './canonical.ts';
import { CompiledMachine, POWER_MODES, eventKey, type EventInfo, type EventVariant } from './compiled-machine.ts';
import { OutputPool, type ExecutedAction } from './output-pool.ts';

export interface CompileOptions {
  /** Name used in errors (defaults to the machine id). */
  name?: string;
  /** Input for the initial transition. */
  input?: unknown;
  /** Give up past this many configurations (default 200 000). */
  maxConfigs?: number;
}

interface Config {
  snapshot: AnyMachineSnapshot;
  key: string;
  valueKey: string;
  /** Events [0, explored) have been tried from this configuration. */
  explored: number;
  next: number[];
  lists: number[];
}

/** Compile `machine` over `catalog` into flat tables. */
export function compileMachine(machine: AnyStateMachine, catalog: readonly CatalogEvent[], options: CompileOptions = {}): CompiledMachine {
  const name = options.name ?? machine.id;
  const maxConfigs = options.maxConfigs ?? 200_000;
  const events = catalogEvents(name, catalog);
  const eventIds = new Map(events.map((e) => [eventKey(e.type, e.variant), e.id]));

  const executed: ExecutedAction[] = [];
  const scope = inertScope(machine, options.input, executed);
  const pool = new OutputPool();
  const configs: Config[] = [];
  const configIds = new Map<string, number>();

  const addConfig = (snapshot: AnyMachineSnapshot, where: () => string): number => {
    const valueKey = canonicalKey(snapshot.value, () => `${where()}: value`);
    const key = configKey(snapshot, valueKey, where);
    let id = configIds.get(key);
    if (id === undefined) {
      if (configs.length >= maxConfigs) {
        throw new Error(
          `${name}: context not finite: > ${maxConfigs} configurations; last one ${where()}: ` +
            `state ${valueKey}, context ${canonicalKey(snapshot.context, 'context')}. ` +
            `Bound the context (small counters, flags) or raise maxConfigs`,
        );
      }
      id = configs.length;
      configs.push({ snapshot, key, valueKey, explored: 0, next: [], lists: [] });
      configIds.set(key, id);
    }
    return id;
  };
  // Timers point at events; a delayed event not in the catalog becomes a new (delayed) event id.
  const registerTimers = (): void => {
    for (const t of pool.timers) {
      if (t.event.type === '') continue;
      const { type, ...rest } = t.event;
      const variant = rest as EventVariant;
      const k = eventKey(type, variant);
      if (!eventIds.has(k)) {
        canonicalKey(variant, `${name}: payload of delayed event ${type}`);
        eventIds.set(k, events.length);
        events.push({ id: events.length, type, variant, event: t.event, delayed: true });
      }
    }
  };

  let snapshot0: AnyMachineSnapshot;
  try {
    snapshot0 = machine.getInitialSnapshot(scope, options.input) as AnyMachineSnapshot;
  } catch (err) {
    throw new Error(`${name}: initial transition failed: ${(err as Error).message}`, { cause: err });
  }
  const initialOutputs = pool.add(executed, () => `${name}: initial transition`);
  const initial = addConfig(snapshot0, () => 'initial');
  registerTimers();

  // Events no active state node has a descriptor for cannot be handled: skip XState for them
  // (most cells of a table). The per-cell differential test checks this against transition().
  const mayHandleByValue = new Map<string, Uint8Array>();
  const mayHandle = (snapshot: AnyMachineSnapshot, valueKey: string, ev: EventInfo): boolean => {
    let row = mayHandleByValue.get(valueKey);
    if (row === undefined) {
      row = new Uint8Array(0);
      mayHandleByValue.set(valueKey, row);
    }
    if (row.length <= ev.id) {
      const grown = new Uint8Array(events.length);
      grown.set(row);
      const descriptors = snapshot._nodes.flatMap((n: { transitions: Map<string, unknown> }) => [...n.transitions.keys()]);
      for (let e = row.length; e < events.length; e++) {
        const type = (events[e] as EventInfo).type;
        grown[e] = descriptors.some((d: string) => matchesEventDescriptor(type, d)) ? 1 : 0;
      }
      row = grown;
      mayHandleByValue.set(valueKey, row);
    }
    return row[ev.id] === 1;
  };

  let changed = true;
  while (changed) {
    changed = false;
    for (let c = 0; c < configs.length; c++) {
      const cfg = configs[c] as Config;
      while (cfg.explored < events.length) {
        const ev = events[cfg.explored] as EventInfo;
        cfg.explored++;
        changed = true;
        if (cfg.snapshot.status !== 'active' || !mayHandle(cfg.snapshot, cfg.valueKey, ev)) {
          cfg.next.push(-1);
          cfg.lists.push(0);
          continue;
        }
        const at = (): string => `transition from state ${cfg.valueKey} context ${canonicalKey(cfg.snapshot.context, 'context')} on ${JSON.stringify(ev.event)}`;
        executed.length = 0;
        let next: AnyMachineSnapshot;
        try {
          next = machine.transition(cfg.snapshot, ev.event, scope) as AnyMachineSnapshot;
        } catch (err) {
          throw new Error(`${name}: ${at()} threw: ${(err as Error).message}`, { cause: err });
        }
        if (next === cfg.snapshot && executed.length === 0) {
          cfg.next.push(-1);
          cfg.lists.push(0);
          continue;
        }
        cfg.lists.push(pool.add(executed, () => `${name}: ${at()}`));
        cfg.next.push(addConfig(next, () => `reached by ${at()}`));
        registerTimers();
      }
    }
  }
  return new CompiledMachine(buildTables(name, events, configs, pool, initial, initialOutputs));
}

function buildTables(
  name: string,
  events: readonly EventInfo[],
  configs: readonly Config[],
  pool: OutputPool,
  initial: number,
  initialOutputs: number,
): ConstructorParameters<typeof CompiledMachine>[0] {
  const nC = configs.length;
  const nE = events.length;
  const next = new Int32Array(nC * nE);
  const outputList = new Int32Array(nC * nE);
  configs.forEach((cfg, c) => {
    next.set(cfg.next, c * nE);
    outputList.set(cfg.lists, c * nE);
  });
  const eventIds = new Map(events.map((e) => [eventKey(e.type, e.variant), e.id]));
  const timers = pool.timers.map((t) => ({
    sendId: t.sendId,
    event: t.event.type === '' ? -1 : (eventIds.get(eventKey(t.event.type, withoutType(t.event))) as number),
  }));

  const tagNames = [...new Set(configs.flatMap((c) => [...(c.snapshot.tags as Set<string>)]))].sort();
  const tagIndex = new Map(tagNames.map((t, i) => [t, i]));
  const tagWords = Math.max(1, Math.ceil(tagNames.length / 32));
  const tagBits = new Uint32Array(nC * tagWords);
  const power = new Int8Array(nC);
  const op = new Int16Array(nC);
  const message = new Int16Array(nC);
  const direction = new Int8Array(nC);
  const ops: string[] = [];
  const messages: string[] = [];
  const done = new Uint8Array(nC);
  configs.forEach((cfg, c) => {
    const s = cfg.snapshot;
    for (const t of s.tags as Set<string>) {
      const i = tagIndex.get(t) as number;
      tagBits[c * tagWords + (i >>> 5)] = (tagBits[c * tagWords + (i >>> 5)] as number) | (1 << (i & 31));
    }
    const where = `${name}: state ${cfg.valueKey}`;
    const ann = annotations(s, where);
    if (ann.power === undefined) power[c] = -1;
    else {
      const p = POWER_MODES.indexOf(ann.power as (typeof POWER_MODES)[number]);
      if (p < 0) throw new Error(`${where}: tag power:${ann.power}: expected one of ${POWER_MODES.join(', ')}`);
      power[c] = p;
    }
    op[c] = intern(ops, ann.op, `${where}: meta.op`);
    message[c] = intern(messages, ann.message, `${where}: meta.message`);
    if (ann.direction === undefined) direction[c] = -1;
    else if (ann.direction === 'tx' || ann.direction === 'rx') direction[c] = ann.direction === 'tx' ? 0 : 1;
    else throw new Error(`${where}: meta.direction: expected "tx" or "rx", got ${JSON.stringify(ann.direction)}`);
    done[c] = s.status === 'done' ? 1 : 0;
  });
  return {
    name,
    events,
    actions: pool.actions,
    timers,
    emitted: pool.emitted,
    initial,
    initialOutputs,
    next,
    outputList,
    outputStart: Int32Array.from(pool.start),
    outputKind: Uint8Array.from(pool.kind),
    outputArg: Int32Array.from(pool.arg),
    outputDelay: Float64Array.from(pool.delay),
    stateValue: configs.map((c) => c.snapshot.value as StateValue),
    stateKey: configs.map((c) => c.valueKey),
    context: configs.map((c) => c.snapshot.context as unknown),
    snapshots: configs.map((c) => c.snapshot),
    done,
    tagNames,
    tagWords,
    tagBits,
    power,
    ops,
    op,
    messages,
    message,
    direction,
  };
}

interface Annotations {
  power?: string;
  op?: unknown;
  message?: unknown;
  direction?: unknown;
}

/** Hardware annotations of a configuration: from the deepest active node that has each one. */
function annotations(s: AnyMachineSnapshot, where: string): Annotations {
  const best = new Map<keyof Annotations, { depth: number; value: unknown; node: string }>();
  const offer = (field: keyof Annotations, value: unknown, depth: number, node: string): void => {
    if (value === undefined) return;
    const cur = best.get(field);
    if (cur === undefined || depth > cur.depth) best.set(field, { depth, value, node });
    else if (depth === cur.depth && cur.value !== value) {
      throw new Error(`${where}: ${field} is ${JSON.stringify(cur.value)} in ${cur.node} and ${JSON.stringify(value)} in ${node} at the same depth; expected one value per configuration`);
    }
  };
  for (const node of s._nodes) {
    const depth = node.path.length;
    const powerTags = node.tags.filter((t: string) => t.startsWith('power:'));
    if (powerTags.length > 1) throw new Error(`${where}: state ${node.id} has several power tags (${powerTags.join(', ')}); expected one`);
    offer('power', powerTags[0]?.slice('power:'.length), depth, node.id);
    const meta = node.meta as Record<string, unknown> | undefined;
    if (meta !== undefined && meta !== null) {
      offer('op', meta['op'], depth, node.id);
      offer('message', meta['message'], depth, node.id);
      offer('direction', meta['direction'], depth, node.id);
    }
  }
  const r: Annotations = {};
  for (const [k, v] of best) (r as Record<string, unknown>)[k] = v.value;
  return r;
}

function intern(table: string[], value: unknown, where: string): number {
  if (value === undefined) return -1;
  if (typeof value !== 'string') throw new Error(`${where}: expected a string, got ${JSON.stringify(value)}`);
  let i = table.indexOf(value);
  if (i < 0) i = table.push(value) - 1;
  return i;
}

function configKey(s: AnyMachineSnapshot, valueKey: string, where: () => string): string {
  const children = Object.keys(s.children ?? {});
  if (children.length > 0) {
    throw new Error(`${where()}: the machine has child actors (${children.join(', ')}); invoke/spawn are not supported by the compiler`);
  }
  let history = '';
  for (const [id, nodes] of Object.entries(s.historyValue as Record<string, readonly { id: string }[]>)) {
    history += `${id}=${nodes.map((n) => n.id).join(',')};`;
  }
  return `${s.status}|${valueKey}|${canonicalKey(s.context, () => `${where()}: context`)}|${history}`;
}

function catalogEvents(name: string, catalog: readonly CatalogEvent[]): EventInfo[] {
  const events: EventInfo[] = [];
  const seen = new Set<string>();
  catalog.forEach((c, i) => {
    if (typeof c.type !== 'string' || c.type === '') throw new Error(`${name}: catalog[${i}].type: expected a non-empty string, got ${JSON.stringify(c.type)}`);
    const variants = c.variants === undefined || c.variants.length === 0 ? [{}] : c.variants;
    variants.forEach((v, j) => {
      if ('type' in v) throw new Error(`${name}: catalog[${i}].variants[${j}]: a variant must not contain "type"`);
      canonicalKey(v, `${name}: catalog[${i}].variants[${j}]`);
      const k = eventKey(c.type, v);
      if (seen.has(k)) throw new Error(`${name}: catalog[${i}] (${c.type}): variant ${JSON.stringify(v)} is listed twice`);
      seen.add(k);
      events.push({ id: events.length, type: c.type, variant: v, event: { ...v, type: c.type }, delayed: false });
    });
  });
  return events;
}

function withoutType(e: EventObject): EventVariant {
  const { type: _type, ...rest } = e;
  return rest as EventVariant;
}

/**
 * One actor scope reused for every step: records executed actions, runs nothing, defers nothing.
 * With it, `machine.transition(snapshot, event, scope)` is XState's pure macrostep at ~8× the
 * speed of the public `transition()` (which builds a scope per call).
 */
export function inertScope(machine: AnyStateMachine, input: unknown, sink: ExecutedAction[]): AnyActorScope {
  const self = createActor(machine, { input });
  return {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: (a) => {
      sink.push({ type: a.type, params: a.params });
    },
  };
}

/** XState 5.33's event descriptor matching (exact, `*`, and partial `a.b.*`), as in its stateUtils. */
function matchesEventDescriptor(eventType: string, descriptor: string): boolean {
  if (descriptor === eventType || descriptor === '*') return true;
  if (!descriptor.endsWith('.*')) return false;
  const partial = descriptor.split('.');
  const tokens = eventType.split('.');
  for (let i = 0; i < partial.length; i++) {
    if (partial[i] === '*') return i === partial.length - 1;
    if (partial[i] !== tokens[i]) return false;
  }
  return true;
}
