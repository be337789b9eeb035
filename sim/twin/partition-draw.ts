/**
 * Drawing each device of a partition: its suite by share, its owner's habits (unlocks, jostles
 * and NFC taps a day, as one arrival process split by share), its link (RSSI less shadowing), its
 * cell (temperature, capacity spread), its owner's phone scan mode (by share, without a draw) and
 * when the first firmware release reaches its phone. Each device draws from its own
 * ('device-params', g) stream; its owner stream is seeded from ('owner', g) and its episodic
 * phone, radio and crypto streams are keyed by ('phone' | 'radio' | 'crypto', g)
 * (partition-streams.ts): nothing depends on the partition a device is in.
 * @module
 */
import { sampler, StreamKeys, type Rng } from '../engine/index.ts';
import { cellCapacityMah, cumulativeShares, selfDischargePerMs, SCAN_MODE_IDS, scanModeOfDevice } from '../device/index.ts';
import type { FleetConfig } from './config.ts';
import { MIN_CAPACITY_FACTOR } from '../../scenarios/config.ts';
import type { Energy } from './partition-energy.ts';
import type { Streams } from './partition-streams.ts';
import type { DeviceTable } from './partition-table.ts';

export function drawDevices(cfg: FleetConfig, root: Rng, suiteIds: readonly string[], t: DeviceTable, u: Streams, energy: Energy, otaEveryMs: number): void {
  const b = cfg.behaviour;
  const unlocks = sampler(b.unlocksPerDay, 'behaviour.unlocksPerDay');
  const jostles = sampler(b.jostlesPerDay, 'behaviour.jostlesPerDay');
  const rssi = sampler(b.rssiDbm, 'behaviour.rssiDbm');
  const temp = sampler(b.temperatureC, 'behaviour.temperatureC');
  const capf = sampler(b.capacityFactor, 'behaviour.capacityFactor');
  const shares = suiteIds.map((id) => cfg.suites[id]!);
  const totalShare = shares.reduce((a, x) => a + x, 0);
  const scanCumulative = cumulativeShares(SCAN_MODE_IDS, b.phoneScan);
  const maxMa = Math.max(...energy.modeMa, 250);
  u.phone.useKeys(new StreamKeys(root, 'phone'), t.lo);
  u.radio.useKeys(new StreamKeys(root, 'radio'), t.lo);
  u.crypto.useKeys(new StreamKeys(root, 'crypto'), t.lo);
  // One generator and two key derivations reused for every device (a generator allocated per
  // device and stream was a fifth of a large fleet's start-up); the same numbers as root.stream.
  const paramKeys = new StreamKeys(root, 'device-params');
  const ownerKeys = new StreamKeys(root, 'owner');
  const p = root.stream('device-params', t.lo);
  for (let k = 0; k < t.n; k++) {
    const g = t.lo + k;
    paramKeys.reset(p, g);
    // Suite by share (cumulative), then the owner's habits and the cell.
    let x = p.next() * totalShare;
    let s = 0;
    while (s < shares.length - 1 && x >= shares[s]!) x -= shares[s++]!;
    t.suiteIdx[k] = s;
    const perDayUnlock = Math.max(0, unlocks(p));
    const perDayJostle = Math.max(0, jostles(p));
    const perDayNfc = b.nfcTapsPerYear / 365.25;
    const perDay = perDayUnlock + perDayJostle + perDayNfc;
    // One arrival process per device; each arrival is an NFC tap, an unlock intent or a jostle by share.
    t.arrivalScale[k] = perDay;
    t.nfcShare[k] = perDay > 0 ? perDayNfc / perDay : 0;
    t.intentShare[k] = perDay > 0 ? perDayUnlock / perDay : 0;
    // Releases reach phones spread over the first release period, then every period.
    if (b.ota) t.otaDue[k] = p.next() * otaEveryMs;
    t.rssi[k] = rssi(p) - cfg.radio.shadowingDb;
    t.scanMode[k] = scanModeOfDevice(g, scanCumulative);
    // Draw order as before (temperature, then capacity spread): the same cells for the same seed.
    const temperatureC = temp(p);
    const capacityFactor = Math.max(MIN_CAPACITY_FACTOR, capf(p));
    energy.initCell(k, cellCapacityMah(cfg.profile, temperatureC, capacityFactor), selfDischargePerMs(cfg.profile, temperatureC), maxMa);
    ownerKeys.stateInto(u.owner.state, k << 2, g);
  }
}
