/**
 * Device physics as pure functions of profile parameters: battery, power modes, crypto timing,
 * BLE and NFC links. No I/O, no clock; randomness comes in as a `{ next(): number }` source.
 * @module
 */
export * from './sampling.ts';
export { MeanOneLognormal, NORMAL_TABLE, meanOneLognormal, normalCdf, tableNormal } from './normal-table.ts';
export * from './battery.ts';
export * from './power.ts';
export * from './crypto-timing.ts';
export * from './ble.ts';
export * from './nfc.ts';
export * from './phone-scan.ts';
