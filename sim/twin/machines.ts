/**
 * The two statecharts the fleet runs per keychain, compiled from models/ at start-up (the device
 * machine and the device role of the handshake), and the ids the twin uses to talk to them:
 * event ids, tag ids, and what each fired action means to the metrics. Everything is looked up
 * by name from the compiled tables, so a renamed event or action fails here, at start-up.
 * @module
 */
import { machines } from '../../models/index.ts';
import { compileMachine, type CompiledMachine } from '../statechart/index.ts';
import type { DeviceInput } from '../../models/device/index.ts';
import { DEFAULT_FLEET_FIRMWARE, type FleetFirmware } from '../../scenarios/config.ts';

export interface TwinMachines {
  device: CompiledMachine;
  handshake: CompiledMachine;
  /** The firmware strategies the device machine was compiled with (one compiled variant each). */
  firmware: Readonly<FleetFirmware>;
}

/** The device machine's input for a set of firmware strategies: guards and delays read it. */
export function deviceInput(f: Readonly<FleetFirmware>): DeviceInput {
  return { keepsStackInSleep: f.keepsStackInSleep, advertiseWindowMs: f.advertiseWindowMs };
}

/** Compiles the machines for one firmware variant (each sweep variant with other strategies compiles its own). */
export function compileTwinMachines(firmware: Readonly<FleetFirmware> = DEFAULT_FLEET_FIRMWARE): TwinMachines {
  const dev = machines.device;
  const hs = machines['handshake.device'];
  if (!dev || !hs) throw new Error("models/index.ts must register 'device' and 'handshake.device'");
  return {
    firmware,
    device: compileMachine(dev.machine, dev.catalog, { name: 'device', input: { ...(dev.input as object), ...deviceInput(firmware) } }),
    handshake: compileMachine(hs.machine, hs.catalog, { name: 'handshake.device', input: hs.input }),
  };
}

/** What an action fired by the device machine means to the twin. */
export const ACT_NONE = 0;
export const ACT_UNLOCK = 1;
export const ACT_FAILURE = 2;
export const ACT_SESSION_END = 3;
export const ACT_BROWNOUT = 4;
export const ACT_OTA_APPLIED = 5;

export class DeviceIds {
  readonly motion: number;
  readonly phoneFound: number;
  readonly opDone: number;
  readonly opFailed: number;
  readonly established: number;
  readonly requestUnlock: number;
  readonly batteryLow: number;
  readonly brownout: number;
  readonly nfcTapped: number;
  readonly otaOffered: number;
  readonly bootOk: number;
  readonly bootFailed: number;
  readonly tagHandshake: number;
  readonly tagSession: number;
  readonly tagRest: number;
  /** Per action id: ACT_*. */
  readonly actionKind: Uint8Array;
  /** Per action id: index into `failureReasons` (−1 if not a recordFailure). */
  readonly actionReason: Int16Array;
  readonly failureReasons: string[];
  private readonly hsFailed = new Map<string, number>();
  private readonly m: CompiledMachine;

  constructor(m: CompiledMachine) {
    this.m = m;
    this.motion = m.eventId('motion.detected');
    this.phoneFound = m.eventId('phone.found');
    this.opDone = m.eventId('op.done');
    this.opFailed = m.eventId('op.failed');
    this.established = m.eventId('hs.established');
    this.requestUnlock = m.eventId('request.unlock');
    this.batteryLow = m.eventId('battery.low');
    this.brownout = m.eventId('battery.brownout');
    this.nfcTapped = m.eventId('nfc.tapped');
    this.otaOffered = m.eventId('ota.offered', { version: 'newer' });
    this.bootOk = m.eventId('boot.ok');
    this.bootFailed = m.eventId('boot.failed');
    this.tagHandshake = requireTag(m, 'handshake');
    this.tagSession = requireTag(m, 'session');
    this.tagRest = requireTag(m, 'rest');
    this.actionKind = new Uint8Array(m.actions.length);
    this.actionReason = new Int16Array(m.actions.length).fill(-1);
    this.failureReasons = [];
    m.actions.forEach((a, i) => {
      if (a.name === 'recordUnlock') this.actionKind[i] = ACT_UNLOCK;
      else if (a.name === 'destroySessionKeys') this.actionKind[i] = ACT_SESSION_END;
      else if (a.name === 'recordBrownout') this.actionKind[i] = ACT_BROWNOUT;
      else if (a.name === 'recordOtaApplied') this.actionKind[i] = ACT_OTA_APPLIED;
      else if (a.name === 'recordFailure') {
        const reason = String((a.params as { reason?: unknown } | undefined)?.reason ?? 'unknown');
        let r = this.failureReasons.indexOf(reason);
        if (r < 0) r = this.failureReasons.push(reason) - 1;
        this.actionKind[i] = ACT_FAILURE;
        this.actionReason[i] = r;
      }
    });
  }

  /** The `hs.failed` event id for a handshake failure reason. */
  handshakeFailed(reason: string): number {
    let id = this.hsFailed.get(reason);
    if (id === undefined) {
      id = this.m.eventId('hs.failed', { reason });
      this.hsFailed.set(reason, id);
    }
    return id;
  }
}

export class HandshakeIds {
  /** op.done with the suite's mode (the device learns it from ClientHello), by mode name. */
  readonly opDoneByMode: Record<string, number>;
  readonly opFailedLink: number;
  readonly msgArrived: number;
  readonly close: number;
  readonly tagAwait: number;
  readonly tagEstablished: number;
  readonly tagFailed: number;
  /** Failure reason of each configuration ('' when not failed). */
  readonly reasonOf: string[];

  constructor(m: CompiledMachine) {
    this.opDoneByMode = Object.fromEntries(['hybrid', 'pq', 'classical'].map((mode) => [mode, m.eventId('op.done', { mode })]));
    this.opFailedLink = m.eventId('op.failed', { reason: 'ble.link' });
    this.msgArrived = m.eventId('msg.arrived');
    this.close = m.eventId('session.close');
    this.tagAwait = requireTag(m, 'await');
    this.tagEstablished = requireTag(m, 'established');
    this.tagFailed = requireTag(m, 'failed');
    this.reasonOf = m.context.map((c) => {
      const r = (c as { reason?: unknown }).reason;
      return typeof r === 'string' && r !== 'none' ? r : '';
    });
  }
}

function requireTag(m: CompiledMachine, tag: string): number {
  const id = m.tagId(tag);
  if (id < 0) throw new Error(`${m.name}: no reachable state carries the tag '${tag}' the twin relies on`);
  return id;
}

/** Throws unless `m` was compiled for the firmware strategies `cfg` runs. */
export function checkMachinesFor(m: TwinMachines, firmware: Readonly<FleetFirmware>, run: string): void {
  const a = JSON.stringify(deviceInput(m.firmware));
  const b = JSON.stringify(deviceInput(firmware));
  if (a !== b) throw new Error(`${run}: the device machine was compiled for firmware ${a}, the run asks for ${b}: compile with compileTwinMachines(cfg.firmware)`);
}

const compiled = new Map<string, TwinMachines>();
/** compileTwinMachines, once per firmware variant in this process (a sweep reuses what it compiled). */
export function twinMachinesFor(firmware: Readonly<FleetFirmware>): TwinMachines {
  const key = JSON.stringify(deviceInput(firmware));
  let m = compiled.get(key);
  if (!m) compiled.set(key, (m = compileTwinMachines(firmware)));
  return m;
}
